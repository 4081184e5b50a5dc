"""The evaluation harness: run YAML cases against cityqa (in-process or over HTTP), score them and
write a report. See `evaluation.cli.run_eval` for the whole flow and `evaluation.metric_names.METRICS`
for what is measured."""
