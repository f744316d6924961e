using ColumnCrypto.Tests.Support;

namespace ColumnCrypto.Tests;

/// <summary>Every supported type survives Encrypt/Decrypt and EncryptToBase64/DecryptFromBase64 exactly; null stays null.</summary>
public sealed class RoundTripTests(InitializedInstanceFixture fixture) : IClassFixture<InitializedInstanceFixture>
{
    private static readonly EncryptedColumn Column = new("customers", "secret");

    private readonly ColumnEncryptor _encryptor = fixture.Encryptor;

    [Fact]
    public void Strings_round_trip_including_empty_and_non_BMP_characters()
    {
        string[] values =
        [
            string.Empty,
            "a",
            "ada@example.com",
            "😀𝄞",
            "Ünïcödé ✓ 中文 العربية עברית 🇩🇪",
            "embedded\0nul and\r\nnewlines\t",
            new string('x', 600),
            string.Concat(Enumerable.Repeat("😀", 5_000)),
        ];
        foreach (var value in values)
        {
            AssertRoundTrip(value, string.Equals);
        }
    }

    [Fact]
    public void Empty_string_stays_empty_not_null()
    {
        var stored = _encryptor.Encrypt(Column, string.Empty);
        Assert.NotNull(stored);
        Assert.Equal(string.Empty, _encryptor.Decrypt<string>(Column, stored));
        Assert.Equal(string.Empty, _encryptor.DecryptFromBase64<string>(Column, _encryptor.EncryptToBase64(Column, string.Empty)));
    }

    [Fact]
    public void String_with_unpaired_surrogate_is_rejected_rather_than_altered()
    {
        Assert.ThrowsAny<ArgumentException>(() => _encryptor.Encrypt(Column, "bad \uD800 surrogate"));
    }

    [Fact]
    public void Byte_arrays_round_trip_including_empty()
    {
        byte[][] values =
        [
            [],
            [0],
            [.. Enumerable.Range(0, 256).Select(i => (byte)i)],
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096),
        ];
        foreach (var value in values)
        {
            AssertRoundTrip(value, (a, b) => a.AsSpan().SequenceEqual(b));
        }
    }

    [Fact]
    public void Booleans_round_trip()
    {
        AssertValueRoundTrip(true);
        AssertValueRoundTrip(false);
    }

    [Fact]
    public void Integers_round_trip_at_their_limits()
    {
        foreach (var v in new short[] { short.MinValue, -1, 0, 1, short.MaxValue })
        {
            AssertValueRoundTrip(v);
        }

        foreach (var v in new[] { int.MinValue, -1, 0, 1, 123_456_789, int.MaxValue })
        {
            AssertValueRoundTrip(v);
        }

        foreach (var v in new[] { long.MinValue, -1L, 0L, 1L, 9_007_199_254_740_993L, long.MaxValue })
        {
            AssertValueRoundTrip(v);
        }
    }

    [Fact]
    public void Floats_and_doubles_round_trip_bit_for_bit_including_NaN_infinities_and_negative_zero()
    {
        foreach (var v in new[] { 0f, -0f, 1.5f, float.Epsilon, float.MinValue, float.MaxValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            AssertValueRoundTrip(v, (a, b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b));
        }

        foreach (var v in new[] { 0d, -0d, Math.PI, double.Epsilon, double.MinValue, double.MaxValue, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            AssertValueRoundTrip(v, (a, b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b));
        }
    }

    [Fact]
    public void Decimals_round_trip_with_their_scale()
    {
        decimal[] values = [decimal.MinValue, decimal.MaxValue, 0m, -0.0m, 1.10m, 1.1m, 0.0000000000000000000000000001m, -79228162514264337593543950335m, 123.4500m];
        foreach (var v in values)
        {
            // decimal equality ignores scale (1.10m == 1.1m); the stored value must keep it.
            AssertValueRoundTrip(v, (a, b) => decimal.GetBits(a).AsSpan().SequenceEqual(decimal.GetBits(b)) && a.Scale == b.Scale);
        }
    }

    [Fact]
    public void Guids_round_trip()
    {
        foreach (var v in new[] { Guid.Empty, Guid.NewGuid(), Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), Guid.AllBitsSet })
        {
            AssertValueRoundTrip(v);
        }
    }

    [Fact]
    public void DateTimes_round_trip_with_their_kind()
    {
        DateTime[] values =
        [
            DateTime.MinValue,
            DateTime.MaxValue,
            new(2024, 2, 29, 13, 45, 12, 345, DateTimeKind.Utc),
            new(2024, 2, 29, 13, 45, 12, 345, DateTimeKind.Unspecified),
            new(2024, 2, 29, 13, 45, 12, 345, DateTimeKind.Local),
            new DateTime(2024, 7, 1, 8, 0, 0, DateTimeKind.Utc).AddTicks(1),
        ];
        foreach (var v in values)
        {
            AssertValueRoundTrip(v, (a, b) => a.Ticks == b.Ticks && a.Kind == b.Kind);
        }
    }

    [Fact]
    public void DateTimeOffsets_round_trip_with_their_offset()
    {
        DateTimeOffset[] values =
        [
            DateTimeOffset.MinValue,
            DateTimeOffset.MaxValue,
            new(2024, 2, 29, 13, 45, 12, TimeSpan.Zero),
            new(2024, 2, 29, 13, 45, 12, TimeSpan.FromHours(14)),
            new(2024, 2, 29, 13, 45, 12, TimeSpan.FromHours(-12)),
            new(2024, 2, 29, 13, 45, 12, new TimeSpan(5, 45, 0)),
            new(2024, 2, 29, 13, 45, 12, new TimeSpan(-3, -30, 0)),
            new(DateTime.MaxValue.Ticks, TimeSpan.FromHours(14)),
            new(DateTime.MinValue.Ticks, TimeSpan.FromHours(-12)),
        ];
        foreach (var v in values)
        {
            // DateTimeOffset.Equals compares the instant only; the offset must survive too.
            AssertValueRoundTrip(v, (a, b) => a.EqualsExact(b));
        }
    }

    [Fact]
    public void DateOnly_TimeOnly_and_TimeSpan_round_trip()
    {
        foreach (var v in new[] { DateOnly.MinValue, DateOnly.MaxValue, new DateOnly(2024, 2, 29) })
        {
            AssertValueRoundTrip(v);
        }

        foreach (var v in new[] { TimeOnly.MinValue, TimeOnly.MaxValue, new TimeOnly(13, 45, 12, 345, 678) })
        {
            AssertValueRoundTrip(v);
        }

        foreach (var v in new[] { TimeSpan.MinValue, TimeSpan.MaxValue, TimeSpan.Zero, TimeSpan.FromTicks(-1), new TimeSpan(3, 4, 5, 6, 7) })
        {
            AssertValueRoundTrip(v);
        }
    }

    [Fact]
    public void Enums_of_every_underlying_type_round_trip_including_negative_flags_undefined_and_ulong_max()
    {
        AssertEnums(SByteBacked.Min, SByteBacked.MinusOne, SByteBacked.Zero, SByteBacked.Max);
        AssertEnums(ByteBacked.Zero, ByteBacked.Max);
        AssertEnums(Int16Backed.Min, Int16Backed.MinusOne, Int16Backed.Max);
        AssertEnums(UInt16Backed.Zero, UInt16Backed.Max);
        AssertEnums(Int32Backed.Min, Int32Backed.Negative, Int32Backed.Zero, Int32Backed.One, Int32Backed.Max, (Int32Backed)12345);
        AssertEnums(UInt32Backed.Zero, UInt32Backed.High, UInt32Backed.Max);
        AssertEnums(Int64Backed.Min, Int64Backed.Negative, Int64Backed.Max);
        AssertEnums(UInt64Backed.Zero, UInt64Backed.High, UInt64Backed.Max);
        AssertEnums(Permissions.None, Permissions.Read | Permissions.Execute, Permissions.All, (Permissions)64);
        AssertEnums(DayOfWeek.Sunday, DayOfWeek.Saturday);
    }

    [Fact]
    public void Enum_values_stay_readable_when_the_underlying_type_widens()
    {
        var stored = _encryptor.Encrypt(Column, Int32Backed.Negative);
        Assert.Equal(Int64Backed.Negative, _encryptor.Decrypt<Int64Backed>(Column, stored));

        stored = _encryptor.Encrypt(Column, (ByteBacked)200);
        Assert.Equal((Int32Backed)200, _encryptor.Decrypt<Int32Backed>(Column, stored));
    }

    [Fact]
    public void Null_stays_null_for_reference_types()
    {
        Assert.Null(_encryptor.Encrypt<string>(Column, null));
        Assert.Null(_encryptor.Encrypt<byte[]>(Column, null));
        Assert.Null(_encryptor.EncryptToBase64<string>(Column, null));
        Assert.Null(_encryptor.Decrypt<string>(Column, (byte[]?)null));
        Assert.Null(_encryptor.Decrypt<byte[]>(Column, (byte[]?)null));
        Assert.Null(_encryptor.DecryptFromBase64<string>(Column, null));
    }

    [Fact]
    public void Nullable_forms_of_every_value_type_round_trip_and_null_stays_null()
    {
        AssertNullable(true);
        AssertNullable((short)-7);
        AssertNullable(42);
        AssertNullable(long.MinValue);
        AssertNullable(1.5f);
        AssertNullable(-2.25d);
        AssertNullable(123.4500m);
        AssertNullable(Guid.NewGuid());
        AssertNullable(new DateTime(2024, 2, 29, 1, 2, 3, DateTimeKind.Utc));
        AssertNullable(new DateTimeOffset(2024, 2, 29, 1, 2, 3, TimeSpan.FromHours(2)));
        AssertNullable(new DateOnly(2024, 2, 29));
        AssertNullable(new TimeOnly(23, 59, 59));
        AssertNullable(TimeSpan.FromMinutes(-90));
        AssertNullable(Int32Backed.Negative);
        AssertNullable(UInt64Backed.Max);
        AssertNullable(Permissions.Read | Permissions.Write);
    }

    [Fact]
    public void A_value_written_as_T_reads_as_nullable_T_and_back()
    {
        var stored = _encryptor.Encrypt(Column, 42);
        Assert.Equal(42, _encryptor.Decrypt<int?>(Column, stored));

        var storedNullable = _encryptor.Encrypt<int?>(Column, 42);
        Assert.Equal(42, _encryptor.Decrypt<int>(Column, storedNullable));
    }

    [Fact]
    public void A_null_read_as_a_non_nullable_value_type_is_an_error_naming_the_column_not_a_silent_zero()
    {
        var error = Assert.Throws<ColumnDecryptionException>(() => _encryptor.Decrypt<int>(Column, (byte[]?)null));
        Assert.Equal($"Cannot read a value of {Column} as Int32: the stored value is null, and Int32 cannot hold null. " +
            "Read it as Int32? (Nullable<Int32>), or keep nulls out of the column.", error.Message);
        Assert.Equal(Column.Table, error.Table);
        Assert.Equal(Column.Column, error.Column);

        var fromText = Assert.Throws<ColumnDecryptionException>(() => _encryptor.DecryptFromBase64<DateTime>(Column, null));
        Assert.Contains("as DateTime: the stored value is null", fromText.Message, StringComparison.Ordinal);
        Assert.Null(_encryptor.Decrypt<int?>(Column, (byte[]?)null));
    }

    [Fact]
    public void Unsupported_types_are_refused_with_the_list_of_supported_ones()
    {
        Assert.False(ColumnEncryptor.IsSupportedType(typeof(object)));
        Assert.False(ColumnEncryptor.IsSupportedType(typeof(Uri)));
        Assert.True(ColumnEncryptor.IsSupportedType(typeof(int?)));
        Assert.True(ColumnEncryptor.IsSupportedType(typeof(Permissions?)));
        var error = Assert.Throws<NotSupportedException>(() => _encryptor.Encrypt(Column, new Uri("https://example.com")));
        Assert.Contains("System.Uri", error.Message, StringComparison.Ordinal);
        Assert.Contains("Supported types", error.Message, StringComparison.Ordinal);
    }

    private void AssertEnums<T>(params T[] values)
        where T : struct, Enum
    {
        foreach (var value in values)
        {
            AssertValueRoundTrip(value);
            AssertNullable(value);

            // The nullable form is encoded exactly as the enum: each reads what the other wrote.
            Assert.Equal(value, _encryptor.Decrypt<T>(Column, _encryptor.Encrypt<T?>(Column, value)));
            Assert.Equal(value, _encryptor.Decrypt<T?>(Column, _encryptor.Encrypt(Column, value)));
        }
    }

    private void AssertValueRoundTrip<T>(T value, Func<T, T, bool>? equal = null)
        where T : struct
    {
        equal ??= (a, b) => EqualityComparer<T>.Default.Equals(a, b);
        AssertRoundTrip(value, equal);
    }

    private void AssertNullable<T>(T value)
        where T : struct
    {
        var stored = _encryptor.Encrypt<T?>(Column, value);
        Assert.NotNull(stored);
        Assert.Equal(value, _encryptor.Decrypt<T?>(Column, stored));
        Assert.Equal(value, _encryptor.DecryptFromBase64<T?>(Column, _encryptor.EncryptToBase64<T?>(Column, value)));

        Assert.Null(_encryptor.Encrypt<T?>(Column, null));
        Assert.Null(_encryptor.EncryptToBase64<T?>(Column, null));
        Assert.Null(_encryptor.Decrypt<T?>(Column, (byte[]?)null));
        Assert.Null(_encryptor.DecryptFromBase64<T?>(Column, null));
    }

    private void AssertRoundTrip<T>(T value, Func<T, T, bool> equal)
        where T : notnull
    {
        var stored = _encryptor.Encrypt(Column, value);
        Assert.NotNull(stored);
        var decrypted = _encryptor.Decrypt<T>(Column, stored);
        Assert.True(decrypted is not null && equal(value, decrypted), $"{typeof(T).Name} {Describe(value)} came back as {Describe(decrypted)}.");

        var text = _encryptor.EncryptToBase64(Column, value);
        Assert.NotNull(text);
        var fromText = _encryptor.DecryptFromBase64<T>(Column, text);
        Assert.True(fromText is not null && equal(value, fromText), $"{typeof(T).Name} {Describe(value)} came back from base64 as {Describe(fromText)}.");
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        byte[] bytes => $"byte[{bytes.Length}]",
        string s when s.Length > 40 => $"string[{s.Length}]",
        DateTime d => $"{d:O} ({d.Kind})",
        DateTimeOffset d => d.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
