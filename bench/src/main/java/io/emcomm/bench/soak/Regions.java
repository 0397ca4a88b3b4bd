package io.emcomm.bench.soak;

import io.emcomm.protocol.region.RegionCode;

import java.util.ArrayList;
import java.util.List;

/**
 * The Guizhou region tree the soak populates: the province (52), its nine cities and prefectures, two
 * counties in each with their command posts, and towns and villages under every county for the terminals.
 */
final class Regions
{
    /** Guiyang, Liupanshui, Zunyi, Anshun, Bijie, Tongren, Qianxinan, Qiandongnan, Qiannan. */
    static final String[] CITIES = {"5201", "5202", "5203", "5204", "5205", "5206", "5223", "5226", "5227"};
    private static final String[] COUNTY_SUFFIXES = {"21", "22"};
    private static final int TOWNS = 5;
    private static final int VILLAGES = 8;

    private Regions()
    {
    }

    /** Regions with a command post: the province, every city, two counties per city (28 in all). */
    static List<String> commandPostRegions()
    {
        final List<String> out = new ArrayList<>();
        out.add("52");
        for (final String city : CITIES)
        {
            out.add(city);
        }
        for (final String city : CITIES)
        {
            for (final String county : COUNTY_SUFFIXES)
            {
                out.add(city + county);
            }
        }
        return out;
    }

    /**
     * The region of field terminal {@code i}: mostly villages, some towns (air units based at a town), a few
     * counties, spread round-robin over cities so that every post has traffic.
     */
    static String terminalRegion(final int i)
    {
        final String city = CITIES[i % CITIES.length];
        final String county = city + COUNTY_SUFFIXES[(i / CITIES.length) % COUNTY_SUFFIXES.length];
        final int town = 1 + (i / (CITIES.length * COUNTY_SUFFIXES.length)) % TOWNS;
        final int village = 1 + (i / (CITIES.length * COUNTY_SUFFIXES.length * TOWNS)) % VILLAGES;
        final String townCode = county + String.format("%03d", town);
        return switch (i % 10)
        {
            case 0 -> county;
            case 1, 2 -> townCode;
            default -> townCode + String.format("%03d", village);
        };
    }

    /** True when a command post at {@code post} receives {@code up:<from>}: it is {@code from} or encloses it. */
    static boolean upReaches(final String post, final String from)
    {
        for (final String level : RegionCode.chain(from))
        {
            if (level.equals(post))
            {
                return true;
            }
        }
        return false;
    }

    /** The city a code lies in (the province for "52"). */
    static String city(final String code)
    {
        return code.length() >= 4 ? code.substring(0, 4) : code;
    }
}
