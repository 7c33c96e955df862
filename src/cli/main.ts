// oncall-runbooks: index and lint a runbook repository outside the editor (e.g. in CI).
process.stderr.write('oncall-runbooks: not built yet\n');
process.exitCode = 2;
