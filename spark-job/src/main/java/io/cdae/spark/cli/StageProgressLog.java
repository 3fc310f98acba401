package io.cdae.spark.cli;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress of long Spark stages as log lines, for the logs a scheduler keeps (cron, Airflow), where Spark's
 * console progress bar, a display for terminals only, is off: while a stage runs, a line every
 * {@code interval} with its tasks done so far; when a stage that ran at least {@code minDuration} ends, a line
 * with its task count and duration. Short stages (a training run has many, one per averaging round) stay quiet;
 * the jobs log their own progress (one line per epoch).
 */
final class StageProgressLog extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(StageProgressLog.class);

    /** A running stage: what it is, when it started, its tasks done, when it was last logged. */
    private static final class Running {
        private final String name;
        private final int tasks;
        private final long started;
        private int done;
        private long logged;

        Running(String name, int tasks, long started) {
            this.name = name;
            this.tasks = tasks;
            this.started = started;
            this.logged = started;
        }
    }

    private final long minDurationMs;
    private final long intervalMs;
    private final Consumer<String> sink;
    private final LongSupplier clock;
    private final Map<String, Running> running = new HashMap<>();

    StageProgressLog(Duration minDuration, Duration interval, Consumer<String> sink, LongSupplier clock) {
        this.minDurationMs = minDuration.toMillis();
        this.intervalMs = interval.toMillis();
        this.sink = sink;
        this.clock = clock;
    }

    /** Stages of 5 s or more, and a line every 30 s while one runs, to the job's log at INFO. */
    static StageProgressLog standard() {
        return new StageProgressLog(Duration.ofSeconds(5), Duration.ofSeconds(30), LOG::info, System::currentTimeMillis);
    }

    // the listener bus calls these from one thread, one event at a time

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        StageInfo s = event.stageInfo();
        running.put(key(s.stageId(), s.attemptNumber()), new Running(label(s), s.numTasks(), clock.getAsLong()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        Running r = running.get(key(event.stageId(), event.stageAttemptId()));
        if (r == null) {
            return;
        }
        if (event.taskInfo().successful()) {
            r.done++;
        }
        long now = clock.getAsLong();
        if (now - r.logged >= intervalMs && r.done < r.tasks) {
            r.logged = now;
            sink.accept(String.format(Locale.ROOT, "%s: %d/%d tasks done, %s so far", r.name, r.done, r.tasks,
                    seconds(now - r.started)));
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        StageInfo s = event.stageInfo();
        Running r = running.remove(key(s.stageId(), s.attemptNumber()));
        if (r == null) {
            return;
        }
        long took = clock.getAsLong() - r.started;
        if (took >= minDurationMs) {
            sink.accept(String.format(Locale.ROOT, "%s %s: %d tasks in %s", r.name,
                    s.failureReason().isDefined() ? "failed" : "done", r.tasks, seconds(took)));
        }
    }

    private static String key(int stage, int attempt) {
        return stage + "." + attempt;
    }

    private static String label(StageInfo s) {
        return "stage " + s.stageId() + (s.attemptNumber() > 0 ? " (attempt " + (s.attemptNumber() + 1) + ")" : "")
                + " [" + s.name() + "]";
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
