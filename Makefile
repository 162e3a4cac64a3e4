# The two commands of README.md: `make run` (the product with demo data) and `make test` (every test).
.PHONY: run test serve

run:
	scripts/setup.sh
	.venv/bin/flask --app server db upgrade
	.venv/bin/flask --app server demo-seed --if-empty
	.venv/bin/flask --app server analyze
	.venv/bin/flask --app server run --host 127.0.0.1 --port 5000

test:
	scripts/test.sh
