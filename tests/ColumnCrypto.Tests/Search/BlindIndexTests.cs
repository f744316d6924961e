using System.Text;
using ColumnCrypto.Cryptography;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
using ColumnCrypto.Tests.Support;
using ColumnCrypto.Values;

namespace ColumnCrypto.Tests.Search;

/// <summary>Blind indexes as the core computes them, with index keys given in code and no database.</summary>
public sealed class BlindIndexTests : IDisposable
{
    private static readonly byte[] Key1 = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] Key2 = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];
    private static readonly SearchableColumn Email = new(new EncryptedColumn("customers", "email"));

    private readonly InMemoryBlindIndexKeys _keys = new();
    private readonly BlindIndex _index;

    public BlindIndexTests()
    {
        _keys.Add(1, Key1);
        _index = new BlindIndex(_keys, PlatformCipherBackend.Instance);
    }

    public void Dispose() => _keys.Dispose();

    /// <summary>The vector was computed independently (Python: HKDF-SHA-256 then HMAC-SHA-256, standard library only).</summary>
    [Fact]
    public void Format_1_is_frozen_by_a_test_vector()
    {
        var index = _index.ComputeForWrite(Email, "ada@example.com")!;

        Assert.Equal(BlindIndexLayout.Length, index.Length);
        Assert.Equal("010000000100", Convert.ToHexString(index[..BlindIndexLayout.HeaderLength]));
        Assert.Equal("92F21EF60F07A9832C3C7926541CD468", Convert.ToHexString(index[BlindIndexLayout.HeaderLength..]));
    }

    [Fact]
    public void Equal_values_give_equal_indexes_and_the_index_shows_nothing_of_the_value()
    {
        var first = _index.ComputeForWrite(Email, "ada@example.com")!;
        var again = _index.ComputeForWrite(Email, "ada@example.com")!;
        var other = _index.ComputeForWrite(Email, "bob@example.com")!;

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.DoesNotContain("ada", Encoding.UTF8.GetString(first), StringComparison.Ordinal);
        Assert.True(BlindIndexLayout.TryReadHeader(first, out var version, out var normalization));
        Assert.Equal((1, BlindIndexNormalization.Exact), (version, normalization));
    }

    [Fact]
    public void Equal_values_in_two_columns_or_under_two_normalizations_give_unrelated_indexes()
    {
        var supplierEmail = new SearchableColumn(new EncryptedColumn("suppliers", "email"));
        var trimmedEmail = new SearchableColumn(Email.Column, BlindIndexNormalization.Trim);

        var customer = _index.ComputeForWrite(Email, "ada@example.com")!;
        var supplier = _index.ComputeForWrite(supplierEmail, "ada@example.com")!;
        var trimmed = _index.ComputeForWrite(trimmedEmail, "ada@example.com")!;

        Assert.NotEqual(customer[BlindIndexLayout.HeaderLength..], supplier[BlindIndexLayout.HeaderLength..]);
        Assert.NotEqual(customer[BlindIndexLayout.HeaderLength..], trimmed[BlindIndexLayout.HeaderLength..]);
    }

    [Fact]
    public void Another_root_key_gives_other_indexes()
    {
        using var otherKeys = new InMemoryBlindIndexKeys();
        otherKeys.Add(1, Key2);

        Assert.NotEqual(_index.ComputeForWrite(Email, "ada@example.com"), new BlindIndex(otherKeys, PlatformCipherBackend.Instance).ComputeForWrite(Email, "ada@example.com"));
    }

    public static TheoryData<string, string, BlindIndexNormalization> EqualUnderNormalization => new()
    {
        { "Ada@Example.COM", "ada@example.com", BlindIndexNormalization.CaseInsensitive },
        { "ÉCOLE", "école", BlindIndexNormalization.CaseInsensitive },
        { "  ada@example.com\t\n", "ada@example.com", BlindIndexNormalization.Trim },
        { "e\u0301", "\u00e9", BlindIndexNormalization.Nfc },
        { "\ufb01le", "file", BlindIndexNormalization.Nfkc },
        { " \uff21DA ", "ada", BlindIndexNormalization.Nfkc | BlindIndexNormalization.Trim | BlindIndexNormalization.CaseInsensitive },
    };

    [Theory]
    [MemberData(nameof(EqualUnderNormalization))]
    public void A_normalization_makes_the_values_it_treats_as_equal_give_one_index(string written, string lookedUp, BlindIndexNormalization normalization)
    {
        var column = new SearchableColumn(Email.Column, normalization);

        Assert.Equal(_index.ComputeForWrite(column, written), Assert.Single(_index.ComputeForLookup(column, lookedUp)));
        Assert.NotEqual(_index.ComputeForWrite(Email, written), _index.ComputeForWrite(Email, lookedUp));
    }

    [Fact]
    public void Nfc_and_Nfkc_exclude_each_other()
    {
        Assert.Throws<ArgumentException>(() => new SearchableColumn(Email.Column, BlindIndexNormalization.Nfc | BlindIndexNormalization.Nfkc));
    }

    [Fact]
    public void Every_supported_type_is_indexed_from_its_encoding_and_null_has_no_index()
    {
        var column = new SearchableColumn(new EncryptedColumn("t", "c"));
        void Same<T>(T value) => Assert.Equal(
            _index.ComputeForWrite(column, value),
            _index.ComputeEncoded(column, EncryptedValueType.Of(typeof(T))!.Encode(value is Enum ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : value!), type: EncryptedValueType.Of(typeof(T))));

        Same("text");
        Same(new byte[] { 1, 2, 3 });
        Same(true);
        Same((short)-7);
        Same(42);
        Same(long.MinValue);
        Same(1.5f);
        Same(double.Pi);
        Same(12.50m);
        Same(Guid.Parse("c0ffee00-0000-4000-8000-000000000001"));
        Same(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        Same(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)));
        Same(new DateOnly(1815, 12, 10));
        Same(new TimeOnly(13, 37));
        Same(TimeSpan.FromMinutes(90));
        Same(DayOfWeek.Friday);

        Assert.Null(_index.ComputeForWrite<int?>(column, null));
        Assert.Empty(_index.ComputeForLookup<string>(column, null));
        Assert.Equal(_index.ComputeForWrite<int?>(column, 42), _index.ComputeForWrite(column, 42));
    }

    [Fact]
    public void After_an_index_key_rotation_writes_use_the_new_key_and_lookups_match_both_until_the_old_one_is_retired()
    {
        var before = _index.ComputeForWrite(Email, "ada@example.com")!;

        _keys.Add(2, Key2);
        var after = _index.ComputeForWrite(Email, "ada@example.com")!;
        var lookup = _index.ComputeForLookup(Email, "ada@example.com");

        Assert.Equal(2, _index.WriteVersion);
        Assert.Equal([2, 1], _index.LookupVersions);
        Assert.Equal([after, before], lookup);
        Assert.Equal(before, _index.ComputeEncoded(Email, "ada@example.com"u8, version: 1));

        Assert.Throws<ColumnCryptoRefusedException>(() => _keys.Retire(2));
        _keys.Retire(1);
        Assert.Equal([after], _index.ComputeForLookup(Email, "ada@example.com"));
        Assert.Throws<ColumnCryptoKeyException>(() => _index.ComputeEncoded(Email, "ada@example.com"u8, version: 1));
    }

    [Fact]
    public void Values_equal_in_dotnet_get_one_index_whether_computed_from_the_value_or_from_its_encoded_bytes()
    {
        var balance = new SearchableColumn(new EncryptedColumn("customers", "balance"));
        var one = _index.ComputeForWrite(balance, 12.5m);
        Assert.Equal(one, _index.ComputeForWrite(balance, 12.50m));
        Assert.Equal(one, _index.ComputeEncoded(balance, EncryptedValueType.Of(typeof(decimal))!.Encode(12.500m), type: EncryptedValueType.Of(typeof(decimal))));
        Assert.NotEqual(one, _index.ComputeForWrite(balance, 12.51m));

        var ratio = new SearchableColumn(new EncryptedColumn("customers", "ratio"));
        Assert.Equal(_index.ComputeForWrite(ratio, 0.0), _index.ComputeForWrite(ratio, -0.0));
        Assert.Equal(_index.ComputeForWrite(ratio, 0.0), _index.ComputeEncoded(ratio, EncryptedValueType.Of(typeof(double))!.Encode(-0.0), type: EncryptedValueType.Of(typeof(double))));
    }

    [Fact]
    public void Every_cipher_backend_computes_the_same_index()
    {
        var libsodium = LibsodiumCipherBackend.TryCreate(out var reason);
        Assert.True(libsodium is not null, reason);
        Assert.Equal(_index.ComputeForWrite(Email, "ada@example.com"), new BlindIndex(_keys, libsodium).ComputeForWrite(Email, "ada@example.com"));
    }

    [Fact]
    public void Key_objects_never_show_key_material()
    {
        Assert.DoesNotContain(Convert.ToHexString(Key1), _keys.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("InMemoryBlindIndexKeys (versions 1)", _keys.ToString());
    }
}
