package org.quantscope.core.util;

/** Small helpers for the worker threads of parallel evaluations and trials. */
public final class Threads {

    private Threads() {
    }

    /**
     * Waits until the thread has ended. An interrupt of the waiting thread does not cut the wait short (the worker
     * holds native resources and must finish or notice the cancel itself): it cancels {@code stop}, keeps waiting,
     * and is restored on the waiting thread afterwards.
     *
     * @param t    the worker
     * @param stop cancelled on an interrupt, so the workers stop early
     */
    public static void joinUninterruptibly(Thread t, CancellationToken stop) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
                stop.cancel();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
