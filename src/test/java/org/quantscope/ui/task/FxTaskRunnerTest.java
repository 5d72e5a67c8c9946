package org.quantscope.ui.task;

import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantscope.core.util.CancelledException;
import org.testfx.api.FxToolkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real runner: work on the named daemon worker thread, callbacks on the JavaFX thread, cancel reaches the job. */
class FxTaskRunnerTest {

    private final FxTaskRunner runner = new FxTaskRunner();

    @BeforeAll
    static void startToolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void tearDown() {
        runner.shutdown();
    }

    @Test
    void runsOnTheWorkerAndCallsBackOnTheFxThread() throws Exception {
        CompletableFuture<String> worker = new CompletableFuture<>();
        CompletableFuture<Boolean> callbackOnFx = new CompletableFuture<>();
        runner.submit("probe", (p, c) -> {
            Thread t = Thread.currentThread();
            worker.complete(t.getName() + (t.isDaemon() ? " daemon" : ""));
            return 1;
        }, r -> callbackOnFx.complete(Platform.isFxApplicationThread()), callbackOnFx::completeExceptionally);

        assertEquals(FxTaskRunner.THREAD_NAME + " daemon", worker.get(10, TimeUnit.SECONDS));
        assertTrue(callbackOnFx.get(10, TimeUnit.SECONDS));
    }

    @Test
    void cancelStopsAJobThatWaitsOnItsToken() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        RunningTask task = runner.submit("wait", (p, c) -> {
            started.countDown();
            while (true) {
                c.throwIfCancelled();
                Thread.sleep(5);
            }
        }, r -> failure.complete(null), failure::complete);

        assertTrue(started.await(10, TimeUnit.SECONDS));
        task.cancel();
        assertInstanceOf(CancelledException.class, failure.get(10, TimeUnit.SECONDS));
    }
}
