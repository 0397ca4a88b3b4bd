/**
 * How the command line shows a delivered or journaled message: one text line or one JSON object per message,
 * times in ISO-8601 UTC, journal indexes in decimal. Used by the commands ({@code io.emcomm.cli}) and the demo
 * ({@code io.emcomm.cli.demo}); imports neither, so the two do not depend on each other through it.
 */
package io.emcomm.cli.format;
