package io.emcomm.router.delivery;

/**
 * The byte-rate budget of a narrow link, declared by a terminal at hello. Profiles:
 * <ul>
 *   <li>{@code ""} - unshaped (fixed network, LTE);</li>
 *   <li>{@code beidou} - BeiDou-3 regional short message: 1,750 bytes (14,000 bits) a minute, so about 29 B/s;</li>
 *   <li>{@code tiantong} - Tiantong satellite phone data, 2.4 kbit/s: 300 B/s;</li>
 *   <li>{@code vsat} - a shared VSAT channel, 64 kbit/s: 8,000 B/s;</li>
 *   <li>{@code rate:<bytes per second>} - any budget from 10 B/s to 100 MB/s.</li>
 * </ul>
 * The bucket holds up to {@link #burstBytes()}; a frame may go out whenever the bucket is not in debt,
 * and its size is then taken from it (possibly into debt), so the long-run rate is the budget even for
 * frames larger than the burst.
 */
public record LinkProfile(String name, long bytesPerSecond, long burstBytes)
{
    public static final LinkProfile UNSHAPED = new LinkProfile("", 0, 0);
    public static final long MIN_RATE = 10;
    public static final long MAX_RATE = 100_000_000;

    public boolean isShaped()
    {
        return bytesPerSecond > 0;
    }

    /** Parses a profile name; throws IllegalArgumentException naming the problem. */
    public static LinkProfile parse(final String text)
    {
        if (text == null || text.isEmpty())
        {
            return UNSHAPED;
        }
        switch (text)
        {
            case "beidou": return new LinkProfile(text, 29, 1_750);
            case "tiantong": return new LinkProfile(text, 300, 1_200);
            case "vsat": return new LinkProfile(text, 8_000, 32_000);
            default: break;
        }
        if (text.startsWith("rate:"))
        {
            final long rate;
            try
            {
                rate = Long.parseLong(text.substring("rate:".length()));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("link profile '" + text + "': the rate is not a whole number of bytes per second");
            }
            if (rate < MIN_RATE || rate > MAX_RATE)
            {
                throw new IllegalArgumentException("link profile '" + text + "': rate must be " + MIN_RATE + ".." + MAX_RATE + " bytes per second");
            }
            return new LinkProfile(text, rate, Math.max(rate, 1_024));
        }
        throw new IllegalArgumentException("unknown link profile '" + text + "' (beidou, tiantong, vsat, rate:<bytes per second>)");
    }
}
