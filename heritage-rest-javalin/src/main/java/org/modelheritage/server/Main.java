package org.modelheritage.server;

import java.util.Arrays;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The runnable app, {@code heritage-server.jar}: one subcommand per job; add a command by listing
 * its class below. With no subcommand (or only options) it serves:
 * {@code java -jar heritage-server.jar} is {@code java -jar heritage-server.jar serve}.
 * Exit status: 0 on success, 2 for bad input or usage (a rejected weight file, an unknown option)
 * and for a server that cannot start (port in use, a lake that cannot be opened: one line on
 * stderr), 1 for an internal error; {@code check} exits 3 when it finds the lake not clean.
 */
@Command(name = "heritage-server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Model Heritage: a model lake that recovers families and fine-tuning lineage from weights alone.",
        subcommands = {ServeCommand.class, WorkerCommand.class, IngestCommand.class, InspectCommand.class, EvalCommand.class, TokenCommand.class,
                BackupCommand.class, RestoreCommand.class, CheckCommand.class, HealthcheckCommand.class, IdentifyCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        return commandLine().execute(withDefaultCommand(args));
    }

    /** The configured command line, for {@link #main} and for tests that run it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof StartupFailure f) {
                commandLine.getErr().println("heritage-server: " + f.getMessage());
                commandLine.getErr().flush();
                return 2;
            }
            return StoreInUse.handle(e, commandLine, parseResult);
        });
        return cli;
    }

    /** {@code --version}: the version Maven built. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Model Heritage " + org.modelheritage.server.ops.BuildVersion.get()};
        }
    }

    /** {@code serve} is the default: prepended when no subcommand is named. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length == 0 || (args[0].startsWith("-") && !TOP_LEVEL_OPTIONS.contains(args[0]))) {
            String[] out = new String[args.length + 1];
            out[0] = "serve";
            System.arraycopy(args, 0, out, 1, args.length);
            return out;
        }
        return Arrays.copyOf(args, args.length);
    }

    @Spec
    CommandSpec spec;

    /**
     * Reached only when a caller runs {@link #commandLine()} without a subcommand ({@link #run(String...)}
     * prepends {@code serve}): a usage error, exit status 2.
     */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }
}
