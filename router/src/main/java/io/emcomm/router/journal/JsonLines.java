package io.emcomm.router.journal;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON style of everything the project prints for people and their scripts (journal export, {@code listen
 * --json}, benchmark summaries): compact, fields in insertion order, control characters as six-character escapes in
 * lower-case hex ({@code \u001f}, backspace and form feed too, never {@code \b} or {@code \f}), as these outputs have
 * always been written. Operators' scripts read these bytes, so the style is kept in one place.
 */
public final class JsonLines
{
    private JsonLines()
    {
    }

    /** A new mapper in this style. Thread-safe once built; build one per use site and keep it. */
    public static JsonMapper newMapper()
    {
        return builder().build();
    }

    /** A mapper builder in this style, for a use site that adds to it (number formats, modules). */
    public static JsonMapper.Builder builder()
    {
        return JsonMapper.builder(new JsonFactoryBuilder()
            .characterEscapes(new ControlEscapes())
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .build());
    }

    /** Jackson's escapes for JSON, but backspace and form feed as six-character escapes, not the short ones. */
    private static final class ControlEscapes extends CharacterEscapes
    {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        ControlEscapes()
        {
            ascii['\b'] = ESCAPE_STANDARD;
            ascii['\f'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii()
        {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(final int ch)
        {
            return null;
        }
    }
}
