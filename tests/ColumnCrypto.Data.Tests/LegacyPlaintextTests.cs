using System.Text;
using ColumnCrypto.Data.Plaintext;

namespace ColumnCrypto.Data.Tests;

/// <summary>The plaintext forms docs/operations.md promises for the plaintext migration.</summary>
public sealed class LegacyPlaintextTests
{
    public static TheoryData<Type, string, object> Texts => new()
    {
        { typeof(string), " keeps spaces and \\ backslashes ", " keeps spaces and \\ backslashes " },
        { typeof(int), "-42", -42 },
        { typeof(long?), "9000000000", 9_000_000_000L },
        { typeof(short), "7", (short)7 },
        { typeof(decimal), "12.50", 12.50m },
        { typeof(double), "1.5E3", 1500d },
        { typeof(float), "0.25", 0.25f },
        { typeof(bool), "t", true },
        { typeof(bool), "FALSE", false },
        { typeof(bool), "1", true },
        { typeof(Guid), "0f8fad5b-d9cb-469f-a165-70867728950e", Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e") },
        { typeof(DateTime), "2025-05-06 07:08:09+00", new DateTime(2025, 5, 6, 7, 8, 9, DateTimeKind.Utc) },
        { typeof(DateTime), "2025-05-06T07:08:09Z", new DateTime(2025, 5, 6, 7, 8, 9, DateTimeKind.Utc) },
        { typeof(DateTime), "2025-05-06 07:08:09", new DateTime(2025, 5, 6, 7, 8, 9, DateTimeKind.Unspecified) },
        { typeof(DateTimeOffset), "2025-05-06 07:08:09+05:30", new DateTimeOffset(2025, 5, 6, 7, 8, 9, TimeSpan.FromHours(5.5)) },
        { typeof(DateTimeOffset), "2025-05-06 07:08:09.5+00", new DateTimeOffset(2025, 5, 6, 7, 8, 9, 500, TimeSpan.Zero) },
        { typeof(DateOnly), "1815-12-10", new DateOnly(1815, 12, 10) },
        { typeof(TimeOnly), "23:59:58", new TimeOnly(23, 59, 58) },
        { typeof(TimeSpan), "01:02:03", new TimeSpan(1, 2, 3) },
        { typeof(DayOfWeek), "3", DayOfWeek.Wednesday },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Plaintext_reads_as_its_invariant_text_from_text_and_from_UTF8_bytes(Type type, string text, object expected)
    {
        var fromText = LegacyPlaintext.FromText(type, text);
        var fromBinary = LegacyPlaintext.FromBinary(type, Encoding.UTF8.GetBytes(text));

        Assert.Equal(expected, fromText);
        Assert.Equal(expected, fromBinary);
        if (expected is DateTime time)
        {
            Assert.Equal(time.Kind, ((DateTime)fromText).Kind);
        }
    }

    [Fact]
    public void Byte_arrays_are_raw_in_binary_columns_and_base64_in_text_columns()
    {
        byte[] bytes = [0, 1, 0xCC, 255];

        Assert.Equal(bytes, LegacyPlaintext.FromBinary(typeof(byte[]), bytes));
        Assert.Equal(bytes, LegacyPlaintext.FromText(typeof(byte[]), Convert.ToBase64String(bytes)));
    }

    [Theory]
    [InlineData(typeof(int), "12.5")]
    [InlineData(typeof(int), "99999999999")]
    [InlineData(typeof(bool), "yes")]
    [InlineData(typeof(DayOfWeek), "Wednesday")]
    [InlineData(typeof(Guid), "not a guid")]
    public void Text_that_is_not_a_value_of_the_type_is_a_format_error(Type type, string text)
    {
        var error = Assert.Throws<FormatException>(() => LegacyPlaintext.FromText(type, text));
        Assert.Contains(type.Name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_a_format_error()
    {
        var error = Assert.Throws<FormatException>(() => LegacyPlaintext.FromBinary(typeof(string), [0xFF, 0xFE, 0x41]));
        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_engine_encodes_enums_as_their_number_like_the_enum_codec()
    {
        Assert.Equal(BitConverter.GetBytes(3L), LegacyPlaintext.ToEncoded("Enum", "3"));
        Assert.Equal(BitConverter.GetBytes(-42), LegacyPlaintext.ToEncoded("Int32", Encoding.UTF8.GetBytes("-42")));
        Assert.Equal(Encoding.UTF8.GetBytes("plain"), LegacyPlaintext.ToEncoded("String", "plain"));
    }
}
