package io.emcomm.kafka;

import java.util.List;

/**
 * An EmComm topic that exists with settings that would break a guarantee: its message is one line naming the
 * topic, the setting, its value and the value it must have, and why ("topic emcomm.terminals has
 * cleanup.policy=delete; it must be compact (terminal state would be deleted after retention.ms)"). A router must
 * not start on such a topic (issue 15, "the journal or terminals topic misconfigured"). Nothing is changed on the
 * cluster: an operator's topic is the operator's to fix.
 */
public final class TopicRefused extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    /**
     * A refusal.
     *
     * @param problems every problem found, one line each, the first one the message
     */
    public TopicRefused(final List<String> problems)
    {
        super(problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem found, one line each */
    public List<String> problems()
    {
        return problems;
    }
}
