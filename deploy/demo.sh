#!/usr/bin/env bash
# The first command of README.md: install what is missing, build, and run the demo
# consultation on 127.0.0.1:8080 with its database in ./data (options go to `roundtable demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
exec build/roundtable demo "$@"
