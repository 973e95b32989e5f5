package org.modelheritage.server;

import java.util.Arrays;
import java.util.List;
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
        description = "Model Heritage: a model lake that recovers families and fine-tuning lineage from weights alone.")
public final class Main implements Runnable {
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    /**
     * The subcommands, in the order help lists them. Picocli builds a command's model by reflection
     * over its classes, which loads every type they mention (Jackson, the lake, the web server): a
     * run registers only the command it was asked for, so that a short one such as {@code healthcheck}
     * (run every few seconds by container health checks) does not pay for the others.
     */
    private static final List<Class<?>> SUBCOMMANDS = List.of(ServeCommand.class, WorkerCommand.class, IngestCommand.class,
            InspectCommand.class, EvalCommand.class, TokenCommand.class, BackupCommand.class, RestoreCommand.class,
            CheckCommand.class, HealthcheckCommand.class, IdentifyCommand.class, CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        String[] full = withDefaultCommand(args);
        return commandLine(full.length > 0 ? full[0] : null).execute(full);
    }

    /** The configured command line with every subcommand, for tests that run it in-process. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The configured command line.
     *
     * @param first the first argument: when it names a subcommand, only that one is registered
     *     (anything else, such as a top-level option, {@code help} or a misspelt name, gets them all, so
     *     help and picocli's suggestions stay complete)
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new Main());
        Class<?> named = first == null ? null : SUBCOMMANDS.stream()
                .filter(c -> !c.equals(CommandLine.HelpCommand.class) && first.equals(c.getAnnotation(Command.class).name()))
                .findFirst().orElse(null);
        for (Class<?> c : named != null ? List.of(named) : SUBCOMMANDS) {
            cli.addSubcommand(c);
        }
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
