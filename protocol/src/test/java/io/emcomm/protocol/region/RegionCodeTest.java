package io.emcomm.protocol.region;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
final class RegionCodeTest
{
    @ParameterizedTest
    @ValueSource(strings = {"52", "5201", "520102", "520102001", "520102001001"})
    void everyLevelLengthIsValid(final String code)
    {
        assertNull(RegionCode.problem(code));
        assertTrue(RegionCode.isValid(code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "520", "52010", "5201020", "52010200", "5201020010", "52010200100", "5201020010011"})
    void everyOtherLengthIsInvalid(final String code)
    {
        assertEquals("region code '" + code + "' must be 2, 4, 6, 9 or 12 digits (province, city, county, town, village)",
            RegionCode.problem(code));
        assertFalse(RegionCode.isValid(code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"00", "5200", "520100", "520102000", "520102001000"})
    void aTrailingAllZeroLevelIsInvalid(final String code)
    {
        assertTrue(RegionCode.problem(code).contains("all-zero level"), RegionCode.problem(code));
    }

    @Test
    void nonDigitsAndEmptyAreInvalid()
    {
        assertEquals("region code is empty", RegionCode.problem(""));
        assertEquals("region code is empty", RegionCode.problem(null));
        assertEquals("region code '5a01' has a non-digit at position 1", RegionCode.problem("5a01"));
        assertEquals("region code ' 52' has a non-digit at position 0", RegionCode.problem(" 52"));
        assertEquals("region code '52-1' has a non-digit at position 2", RegionCode.problem("52-1"));
        // Non-ASCII digits (here Arabic-Indic five and two) are not digits on the wire.
        assertFalse(RegionCode.isValid("\u0665\u0662"));
    }

    @Test
    void levels()
    {
        assertEquals(0, RegionCode.level(2));
        assertEquals(1, RegionCode.level(4));
        assertEquals(2, RegionCode.level(6));
        assertEquals(3, RegionCode.level(9));
        assertEquals(4, RegionCode.level(12));
        assertEquals(-1, RegionCode.level(0));
        assertEquals(-1, RegionCode.level(3));
        assertEquals(-1, RegionCode.level(13));
    }

    @Test
    void parentDropsOneLevel()
    {
        assertEquals("520102001", RegionCode.parent("520102001001"));
        assertEquals("520102", RegionCode.parent("520102001"));
        assertEquals("5201", RegionCode.parent("520102"));
        assertEquals("52", RegionCode.parent("5201"));
        assertNull(RegionCode.parent("52"), "a province has no parent");
        assertNull(RegionCode.parent("520"), "an invalid code has no parent");
    }

    @Test
    void chainRunsFromTheProvinceDownToTheCode()
    {
        assertArrayEquals(new String[]{"52", "5201", "520102", "520102001", "520102001001"}, RegionCode.chain("520102001001"));
        assertArrayEquals(new String[]{"52", "5201", "520102"}, RegionCode.chain("520102"));
        assertArrayEquals(new String[]{"52"}, RegionCode.chain("52"));
        assertArrayEquals(new String[0], RegionCode.chain("520"));
    }

    @Test
    void containsIsTheSubtreeIncludingItself()
    {
        assertTrue(RegionCode.contains("52", "52"));
        assertTrue(RegionCode.contains("52", "5201"));
        assertTrue(RegionCode.contains("52", "520102001001"));
        assertTrue(RegionCode.contains("5201", "520102"));
        assertFalse(RegionCode.contains("5201", "52"), "a child does not contain its parent");
        assertFalse(RegionCode.contains("5201", "5202"), "siblings");
        assertFalse(RegionCode.contains("5201", "520201"), "a cousin");
        assertFalse(RegionCode.contains("52", "53"));
        assertFalse(RegionCode.contains("520102", "5201"));
    }
}
