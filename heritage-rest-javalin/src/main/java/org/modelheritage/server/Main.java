package org.modelheritage.server;

import java.util.Arrays;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The runnable app, {@code heritage-server.jar}. With no subcommand (or only options) it serves:
 * {@code java -jar heritage-server.jar} is {@code java -jar heritage-server.jar serve}.
 */
@Command(name = "heritage-server", mixinStandardHelpOptions = true, version = "Model Heritage 0.1.0",
        description = "Model Heritage: a model lake that recovers families and fine-tuning lineage from weights alone.",
        subcommands = {ServeCommand.class, IngestCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(withDefaultCommand(args));
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

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
