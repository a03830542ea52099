from qwen_migrate.cli import main

main(prog_name="qwen-migrate")
