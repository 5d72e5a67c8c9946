package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.Version;
import org.quantscope.core.util.CancelledException;
import org.quantscope.core.util.MemoryBudget;
import org.quantscope.core.util.RuntimeProfile;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code quantscope} command line: every analysis runs headless through the same core calls the window makes.
 * Exit codes: 0 success, 1 internal error, 2 bad input or usage, 130 cancelled.
 */
@Command(name = "quantscope", mixinStandardHelpOptions = true, versionProvider = QuantScopeCommand.VersionInfo.class,
        description = "Finds out why a neural network loses accuracy when it is quantized.%n"
                + "Run without arguments to open the window.",
        subcommands = {InfoCommand.class, EvalCommand.class, QuantizeCommand.class, DiagnoseCommand.class,
                ReliabilityCommand.class, InvestigateCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class QuantScopeCommand implements Runnable {

    /** Exit code for bad input or usage. */
    public static final int EXIT_INPUT = 2;
    /** Exit code for an unexpected internal error. */
    public static final int EXIT_INTERNAL = 1;
    /** Exit code when the user cancelled (Ctrl+C). */
    public static final int EXIT_CANCELLED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * {@code --profile}: print where the time went after the command.
     *
     * @param on whether the flag was given
     */
    @CommandLine.Option(names = "--profile", scope = CommandLine.ScopeType.INHERIT,
            description = "After the command, print where the time went: wall time per stage and the time inside "
                    + "ONNX Runtime (runs and session creation), on standard error.")
    void profile(boolean on) {
        if (on) {
            RuntimeProfile.start();
        }
    }

    /**
     * {@code --memory-mib}: the budget for captured tensors, on every command.
     *
     * @param mib MiB
     */
    @CommandLine.Option(names = "--memory-mib", paramLabel = "MIB", scope = CommandLine.ScopeType.INHERIT,
            description = "Memory budget for the intermediate tensors an analysis holds at once, in MiB (default: "
                    + MemoryBudget.HEAP_PERCENT + " % of the Java heap, which the launcher sets to an eighth of the "
                    + "machine's memory; QUANTSCOPE_HEAP=8g sets the heap). Analyses stream their data in runs that "
                    + "fit; a run that cannot fit is refused before the work starts.")
    void memoryMib(long mib) {
        if (mib < MemoryBudget.MIN_MIB) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--memory-mib must be at least "
                    + MemoryBudget.MIN_MIB + ", got " + mib);
        }
        System.setProperty(MemoryBudget.PROPERTY, Long.toString(mib));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * Runs the command line and returns the exit code; never prints a stack trace.
     *
     * @param args arguments
     * @return exit code
     */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line with the given output streams.
     *
     * @param out standard output
     * @param err standard error
     * @param args arguments
     * @return exit code
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new QuantScopeCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            String message = ex.getMessage();
            if (message != null && message.contains("expected only one match")) {
                // picocli's wording for an option of an option group given twice dumps the group's internals
                message = "an option was given more than once (each of --data, --labels, --dataset-desc, "
                        + "--class-names, --scale, --mean, --std, --color, --resize, --crop, --decode-threads "
                        + "may appear only once)";
            }
            err.println("error: " + message);
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof InputException ie) {
                err.println("error: " + ie.render(CliNames::flag)); // settings named by their flags
                return EXIT_INPUT;
            }
            if (ex instanceof CancelledException) {
                err.println("cancelled");
                return EXIT_CANCELLED;
            }
            if (ex instanceof IllegalArgumentException) {
                err.println("error: " + ex.getMessage());
                return EXIT_INPUT;
            }
            err.println("internal error: " + ex + (ex.getCause() != null ? " (cause: " + ex.getCause() + ")" : "")
                    + ". Please report it with the command you ran.");
            return EXIT_INTERNAL;
        });
        String budget = System.getProperty(MemoryBudget.PROPERTY);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // an analysis outgrew the heap despite its budget: say what to change, no stack trace
            err.println("error: " + MemoryBudget.outOfMemoryMessage("--memory-mib"));
            return EXIT_INPUT;
        } finally {
            RuntimeProfile.report(err);
            if (budget == null) {
                System.clearProperty(MemoryBudget.PROPERTY);
            } else {
                System.setProperty(MemoryBudget.PROPERTY, budget);
            }
        }
    }

    /** Supplies {@code --version}. */
    static final class VersionInfo implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"QuantScope " + Version.version(), Version.runtime()};
        }
    }
}
