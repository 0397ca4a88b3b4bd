package io.emcomm.bench.report;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A minimal JSON writer for the summary (maps, lists, strings, numbers, booleans, null); no dependency. */
final class Json
{
    private Json()
    {
    }

    static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(final StringBuilder out, final Object value, final int indent)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof String s)
        {
            string(out, s);
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double d = ((Number)value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d))
            {
                out.append("null");
            }
            else if (d == Math.rint(d) && Math.abs(d) < 1e15)
            {
                out.append((long)d);
            }
            else
            {
                out.append(String.format(Locale.ROOT, "%.1f", d));
            }
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else if (value instanceof Map<?, ?> map)
        {
            out.append('{');
            final Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext())
            {
                final Map.Entry<?, ?> e = it.next();
                newline(out, indent + 1);
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), indent + 1);
                if (it.hasNext())
                {
                    out.append(',');
                }
            }
            if (!map.isEmpty())
            {
                newline(out, indent);
            }
            out.append('}');
        }
        else if (value instanceof List<?> list)
        {
            out.append('[');
            for (int i = 0; i < list.size(); i++)
            {
                newline(out, indent + 1);
                write(out, list.get(i), indent + 1);
                if (i < list.size() - 1)
                {
                    out.append(',');
                }
            }
            if (!list.isEmpty())
            {
                newline(out, indent);
            }
            out.append(']');
        }
        else
        {
            string(out, value.toString());
        }
    }

    private static void newline(final StringBuilder out, final int indent)
    {
        out.append('\n');
        out.append("  ".repeat(indent));
    }

    private static void string(final StringBuilder out, final String s)
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
