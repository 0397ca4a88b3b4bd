package io.emcomm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.Map;

/**
 * The "Commands:" list of {@code emcomm --help} (and of {@code emcomm journal --help}): each command with its
 * first full sentence. Picocli's own list takes the first description line only, which cuts a summary that
 * wraps over two lines in mid-phrase ("... the largest").
 */
final class CommandSummaries
{
    private CommandSummaries()
    {
    }

    /** Replaces the command list renderer of {@code cli} and of every subcommand below it. */
    static void install(final CommandLine cli)
    {
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, CommandSummaries::render);
        for (final CommandLine sub : cli.getSubcommands().values())
        {
            install(sub);
        }
    }

    static String render(final Help help)
    {
        final Map<String, Help> subcommands = help.subcommands();
        if (subcommands.isEmpty())
        {
            return "";
        }
        int longest = 0;
        for (final String name : subcommands.keySet())
        {
            longest = Math.max(longest, name.length());
        }
        final int width = help.commandSpec().usageMessage().width();
        final int nameColumn = longest + 4;
        final TextTable table = TextTable.forColumns(help.colorScheme(),
            new Column(nameColumn, 2, Column.Overflow.SPAN),
            new Column(Math.max(20, width - nameColumn), 2, Column.Overflow.WRAP));
        for (final Map.Entry<String, Help> e : subcommands.entrySet())
        {
            final UsageMessageSpec usage = e.getValue().commandSpec().usageMessage();
            if (!usage.hidden())
            {
                table.addRowValues(e.getKey(), summary(usage.header().length > 0 ? usage.header() : usage.description()));
            }
        }
        return table.toString();
    }

    /** The first sentence of a description given as lines: up to the first full stop that ends a word. */
    static String summary(final String[] lines)
    {
        final String text = String.join(" ", lines).trim();
        final int stop = text.indexOf(". ");
        return stop < 0 ? text : text.substring(0, stop + 1);
    }
}
