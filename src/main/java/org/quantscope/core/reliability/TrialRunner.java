package org.quantscope.core.reliability;

import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.CancelledException;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs trials on a fixed number of worker threads (daemon threads named {@code reliability-trial-N}), each taking the
 * next task from a shared queue. A cancel (or a failing trial) stops the others; the trials finished by then are
 * returned, and a failure is rethrown after every worker has stopped.
 */
final class TrialRunner {

    /** Which trial: configuration, condition and trial number. */
    record Task(int configuration, int condition, int trial) {
    }

    /** One trial's work. */
    @FunctionalInterface
    interface Work {
        TrialResult run(Task task, CancellationToken cancel);
    }

    /** Nanoseconds per stage, summed over the workers. */
    static final class StageTimes {
        private final Map<String, AtomicLong> nanos = new ConcurrentHashMap<>();

        void add(String stage, long ns) {
            nanos.computeIfAbsent(stage, k -> new AtomicLong()).addAndGet(ns);
        }

        Map<String, Double> seconds() {
            Map<String, Double> m = new TreeMap<>();
            nanos.forEach((k, v) -> m.put(k, v.get() / 1e9));
            return m;
        }
    }

    private final int threads;

    TrialRunner(int threads, StageTimes times) {
        this.threads = threads;
    }

    /**
     * Runs the tasks.
     *
     * @param tasks    in the order they should start
     * @param work     one trial
     * @param listener receives each result as it finishes
     * @param progress finished / total
     * @param cancel   the caller's cancellation
     * @return the finished trials (all of them unless cancelled)
     */
    List<TrialResult> run(List<Task> tasks, Work work, TrialListener listener, ProgressListener progress,
                          CancellationToken cancel) {
        List<TrialResult> done = Collections.synchronizedList(new ArrayList<>());
        if (tasks.isEmpty()) {
            return List.of();
        }
        CancellationToken stop = new CancellationToken();
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        int total = tasks.size();
        progress.onProgress(0, total, "Trial 1 of " + total);
        try (CancellationToken.Registration reg = cancel.onCancel(stop::cancel)) {
            Runnable worker = () -> {
                while (!stop.isCancelled()) {
                    int i = next.getAndIncrement();
                    if (i >= total) {
                        return;
                    }
                    try {
                        TrialResult r = work.run(tasks.get(i), stop);
                        done.add(r);
                        listener.onTrial(r);
                        int n = done.size();
                        progress.onProgress(n, total, n < total ? "Trial " + (n + 1) + " of " + total
                                : "Trials done");
                    } catch (CancelledException e) {
                        return;
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e instanceof RuntimeException re ? re
                                : new IllegalStateException(e.toString(), e));
                        stop.cancel();
                        return;
                    }
                }
            };
            int n = Math.min(threads, total);
            if (n == 1) {
                worker.run();
            } else {
                List<Thread> pool = new ArrayList<>();
                for (int t = 0; t < n; t++) {
                    Thread th = new Thread(worker, "reliability-trial-" + (t + 1));
                    th.setDaemon(true);
                    pool.add(th);
                    th.start();
                }
                for (Thread th : pool) {
                    org.quantscope.core.util.Threads.joinUninterruptibly(th, stop);
                }
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new ArrayList<>(done);
    }
}
