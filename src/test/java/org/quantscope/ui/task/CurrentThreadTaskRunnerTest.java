package org.quantscope.ui.task;

import org.junit.jupiter.api.Test;
import org.quantscope.core.util.CancelledException;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synchronous runner used by view-model tests behaves like the real one, minus the thread. */
class CurrentThreadTaskRunnerTest {

    @Test
    void reportsResultProgressFailureAndCancel() {
        CurrentThreadTaskRunner runner = new CurrentThreadTaskRunner();
        List<Object> seen = new ArrayList<>();

        RunningTask t = runner.submit("count", (p, c) -> {
            p.onProgress(3, 4, "step");
            return 42;
        }, seen::add, seen::add);
        assertEquals(List.of(42), seen);
        assertEquals(0.75, t.progressProperty().get());
        assertEquals("step", t.messageProperty().get());

        runner.submit("fail", (p, c) -> {
            throw new IllegalStateException("boom");
        }, seen::add, seen::add);
        assertInstanceOf(IllegalStateException.class, seen.get(1));

        runner.cancelNextJob();
        runner.submit("cancelled", (p, c) -> "never", seen::add, seen::add);
        assertInstanceOf(CancelledException.class, seen.get(2));
        assertTrue(runner.jobsRun() == 3);
    }
}
