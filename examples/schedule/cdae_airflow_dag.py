"""Airflow DAG: retrain the CDAE weekly and score every new daily input partition.

Both tasks are idempotent: `--if-absent` makes a rerun of a run that already succeeded skip its work and
exit 0, and a run that failed left nothing at its output path (outputs are committed atomically), so a
retry starts clean. Training is deterministic for a given seed and input, so a forced rerun
(without --if-absent) writes the same model.

Needs apache-airflow-providers-apache-spark and a `spark_default` connection to your cluster (YARN,
standalone or Kubernetes). APP_JAR is the shaded jar built by `mvn -DskipTests package`.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

APP_JAR = "/opt/cdae-spark/spark-job/target/cdae-spark-job-0.1.0-SNAPSHOT-shaded.jar"
CONF = "/opt/cdae-spark/conf"
# the Java 17 module openings Spark and ND4J need, and the Vector API of the fused training step
JAVA17 = "--add-modules=jdk.incubator.vector " + " ".join(
    "--add-opens=java.base/" + p + "=ALL-UNNAMED"
    for p in ["java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
              "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs",
              "sun.security.action", "sun.util.calendar"])
SPARK_CONF = {
    "spark.driver.extraJavaOptions": JAVA17,
    "spark.executor.extraJavaOptions": JAVA17,
    "spark.executor.memoryOverhead": "2g",
}

default_args = {"retries": 2, "retry_delay": timedelta(minutes=10)}

with DAG(
    dag_id="cdae_retrain_and_score",
    start_date=datetime(2026, 1, 1),
    schedule="@daily",
    catchup=False,
    default_args=default_args,
) as dag:
    # Weekly (Mondays) retrain; on other days the task skips because the model of this week exists.
    week = "{{ macros.ds_format(macros.ds_add(ds, -macros.datetime.strptime(ds, '%Y-%m-%d').weekday()), '%Y-%m-%d', '%Y-%m-%d') }}"
    train = SparkSubmitOperator(
        task_id="train",
        application=APP_JAR,
        java_class="io.cdae.spark.cli.TrainCommand",
        conf=SPARK_CONF,
        properties_file=f"{CONF}/spark-defaults.conf",
        application_args=[
            "--if-absent",
            "--input", "hdfs:///data/events/",
            "--set", "where=dt >= date_sub('{{ ds }}', 30) AND dt < '{{ ds }}'",
            "--output", f"hdfs:///models/cdae/week={week}",
        ],
    )
    score = SparkSubmitOperator(
        task_id="score",
        application=APP_JAR,
        java_class="io.cdae.spark.cli.ScoreCommand",
        conf=SPARK_CONF,
        properties_file=f"{CONF}/spark-defaults.conf",
        application_args=[
            "--if-absent",
            "--model", f"hdfs:///models/cdae/week={week}",
            "--input", "hdfs:///data/events/dt={{ ds }}",
            "--output", "hdfs:///scores/cdae/dt={{ ds }}",
        ],
    )
    train >> score
