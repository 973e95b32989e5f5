package org.modelheritage.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code heritage-server} command line: one subcommand per job. Add a command by listing
 * its class below. Exit status: 0 on success, 2 for bad input or usage, 1 for an internal error.
 */
@Command(name = "heritage-server", mixinStandardHelpOptions = true, version = "Model Heritage 0.1.0",
        description = "Model Heritage: finds model families and fine-tuning lineage from weights alone.",
        subcommands = {InspectCommand.class, EvalCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /** The configured command line, for {@link #main} and for tests that run it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
