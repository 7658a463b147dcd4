"""Print, as JSON, every run of one MLflow experiment as the mlflow client sees it.

usage: mlflow_runs.py TRACKING_URI EXPERIMENT_NAME
Used by test/tracking/mlflow.test.ts to check what replab logged through the REST API.
"""
import json
import math
import sys

from mlflow.tracking import MlflowClient


def artifact_paths(client, run_id, path=None):
    found = []
    for item in client.list_artifacts(run_id, path):
        if item.is_dir:
            found.extend(artifact_paths(client, run_id, item.path))
        else:
            found.append(item.path)
    return sorted(found)


def finite(value):
    """NaN by name: json.dumps would write a bare NaN, which is not JSON."""
    return "NaN" if math.isnan(value) else value


def describe(client, run):
    run_id = run.info.run_id
    metrics = {
        key: [[m.step, finite(m.value)] for m in sorted(client.get_metric_history(run_id, key), key=lambda m: m.step)]
        for key in run.data.metrics
    }
    datasets = [
        {
            "name": d.dataset.name,
            "digest": d.dataset.digest,
            "source_type": d.dataset.source_type,
            "profile": json.loads(d.dataset.profile) if d.dataset.profile else None,
        }
        for d in run.inputs.dataset_inputs
    ]
    return {
        "run_name": run.info.run_name,
        "status": run.info.status,
        "params": run.data.params,
        "tags": {k: v for k, v in run.data.tags.items()},
        "metrics": metrics,
        "artifacts": artifact_paths(client, run_id),
        "datasets": datasets,
    }


def main():
    uri, name = sys.argv[1], sys.argv[2]
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        print(json.dumps([]))
        return
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
    print(json.dumps([describe(client, r) for r in runs]))


main()
