using System.Text;
using ColumnCrypto.Tests.Support;

namespace ColumnCrypto.Tests;

/// <summary>
/// An altered, truncated or misplaced stored value always fails with <see cref="ColumnDecryptionException"/>:
/// never garbage, never another exception type.
/// </summary>
public sealed class TamperingTests(InitializedInstanceFixture fixture) : IClassFixture<InitializedInstanceFixture>
{
    private static readonly EncryptedColumn Email = new("customers", "email");

    private readonly ColumnEncryptor _encryptor = fixture.Encryptor;

    public static TheoryData<string> Plaintexts => new()
    {
        string.Empty,
        "ada@example.com",
        new string('z', 700), // larger than the stack buffer: decrypts into a pooled array
    };

    [Fact]
    public void Value_copied_to_another_column_fails_with_decryption_error_naming_table_column_and_version()
    {
        var stored = _encryptor.Encrypt(Email, "ada@example.com");
        var phone = new EncryptedColumn("customers", "phone");

        var error = Assert.Throws<ColumnDecryptionException>(() => _encryptor.Decrypt<string>(phone, stored));

        Assert.Contains("customers.phone", error.Message, StringComparison.Ordinal);
        Assert.Contains("key version 1", error.Message, StringComparison.Ordinal);
        Assert.Equal("customers", error.Table);
        Assert.Equal("phone", error.Column);
        Assert.Equal(1, error.KeyVersion);
    }

    [Fact]
    public void Value_copied_to_another_table_fails_with_decryption_error_naming_table_column_and_version()
    {
        var stored = _encryptor.Encrypt(Email, "ada@example.com");
        var suppliers = new EncryptedColumn("suppliers", "email");

        var error = Assert.Throws<ColumnDecryptionException>(() => _encryptor.Decrypt<string>(suppliers, stored));

        Assert.Contains("suppliers.email", error.Message, StringComparison.Ordinal);
        Assert.Contains("key version 1", error.Message, StringComparison.Ordinal);
        Assert.Equal("suppliers", error.Table);
        Assert.Equal("email", error.Column);
        Assert.Equal(1, error.KeyVersion);
    }

    [Fact]
    public void Value_copied_to_another_column_fails_in_base64_form_too()
    {
        var text = _encryptor.EncryptToBase64(Email, 42);
        var error = Assert.Throws<ColumnDecryptionException>(() => _encryptor.DecryptFromBase64<int>(new EncryptedColumn("orders", "email"), text));
        Assert.Contains("orders.email", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.KeyVersion);
    }

    [Fact]
    public void Table_and_column_boundary_is_bound_unambiguously()
    {
        // Same concatenated text "a.b.c", different split: the length prefixes keep them apart.
        var first = new EncryptedColumn("a.b", "c");
        var second = new EncryptedColumn("a", "b.c");
        var stored = _encryptor.Encrypt(first, "secret");

        Assert.Equal("secret", _encryptor.Decrypt<string>(first, stored));
        Assert.Throws<ColumnDecryptionException>(() => _encryptor.Decrypt<string>(second, stored));
    }

    [Fact]
    public void Table_and_column_names_are_case_sensitive_context()
    {
        var stored = _encryptor.Encrypt(Email, "secret");
        Assert.Throws<ColumnDecryptionException>(() => _encryptor.Decrypt<string>(new EncryptedColumn("Customers", "email"), stored));
    }

    [Theory]
    [MemberData(nameof(Plaintexts))]
    public void Every_single_bit_flip_fails_with_decryption_error(string plaintext)
    {
        var stored = _encryptor.Encrypt(Email, plaintext)!;
        for (var bit = 0; bit < stored.Length * 8; bit++)
        {
            var altered = (byte[])stored.Clone();
            altered[bit / 8] ^= (byte)(1 << (bit % 8));
            AssertDecryptionError(() => _encryptor.Decrypt<string>(Email, altered), $"bit {bit}");
        }
    }

    [Fact]
    public void Every_single_bit_flip_of_a_fixed_size_value_fails_with_decryption_error()
    {
        var stored = _encryptor.Encrypt(Email, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)))!;
        for (var bit = 0; bit < stored.Length * 8; bit++)
        {
            var altered = (byte[])stored.Clone();
            altered[bit / 8] ^= (byte)(1 << (bit % 8));
            AssertDecryptionError(() => _encryptor.Decrypt<DateTimeOffset>(Email, altered), $"bit {bit}");
        }
    }

    [Theory]
    [MemberData(nameof(Plaintexts))]
    public void Every_truncation_fails_with_decryption_error(string plaintext)
    {
        var stored = _encryptor.Encrypt(Email, plaintext)!;
        for (var length = 0; length < stored.Length; length++)
        {
            var truncated = stored[..length];
            AssertDecryptionError(() => _encryptor.Decrypt<string>(Email, truncated), $"length {length}");
        }
    }

    [Fact]
    public void Every_truncation_from_the_front_fails_with_decryption_error()
    {
        var stored = _encryptor.Encrypt(Email, "ada@example.com")!;
        for (var start = 1; start <= stored.Length; start++)
        {
            var truncated = stored[start..];
            AssertDecryptionError(() => _encryptor.Decrypt<string>(Email, truncated), $"start {start}");
        }
    }

    [Fact]
    public void Every_truncation_of_a_fixed_size_value_fails_with_decryption_error()
    {
        var stored = _encryptor.Encrypt(Email, 1234567890123L)!;
        for (var length = 0; length < stored.Length; length++)
        {
            var truncated = stored[..length];
            AssertDecryptionError(() => _encryptor.Decrypt<long>(Email, truncated), $"length {length}");
        }
    }

    [Fact]
    public void Appended_bytes_fail_with_decryption_error()
    {
        var stored = _encryptor.Encrypt(Email, "ada@example.com")!;
        AssertDecryptionError(() => _encryptor.Decrypt<string>(Email, [.. stored, 0]), "one byte appended");
        AssertDecryptionError(() => _encryptor.Decrypt<string>(Email, [.. stored, .. stored]), "value repeated");
    }

    [Fact]
    public void Plaintext_in_an_encrypted_column_fails_with_decryption_error()
    {
        AssertDecryptionError(() => _encryptor.Decrypt<string>(Email, Encoding.UTF8.GetBytes("ada@example.com, stored before encryption was enabled")), "plain text");
        AssertDecryptionError(() => _encryptor.Decrypt<string>(Email, new byte[64]), "zeros");
        AssertDecryptionError(() => _encryptor.Decrypt<string>(Email, Array.Empty<byte>()), "empty");
    }

    [Theory]
    [MemberData(nameof(Plaintexts))]
    public void Every_single_character_change_of_base64_text_fails_with_decryption_error(string plaintext)
    {
        var text = _encryptor.EncryptToBase64(Email, plaintext)!;
        var original = Convert.FromBase64String(text);
        var checkedChanges = 0;
        for (var i = 0; i < text.Length; i++)
        {
            foreach (var replacement in new[] { 'A', 'z', '+', '/', '=', '*', '-', ' ' })
            {
                if (text[i] == replacement)
                {
                    continue;
                }

                var altered = string.Concat(text.AsSpan(0, i), replacement.ToString(), text.AsSpan(i + 1));

                // Some changes do not change the bytes (unused padding bits, ignored whitespace): nothing to detect.
                var buffer = new byte[altered.Length];
                if (Convert.TryFromBase64String(altered, buffer, out var written) && buffer.AsSpan(0, written).SequenceEqual(original))
                {
                    continue;
                }

                checkedChanges++;
                AssertDecryptionError(() => _encryptor.DecryptFromBase64<string>(Email, altered), $"char {i} -> '{replacement}'");
            }
        }

        Assert.True(checkedChanges > text.Length * 6, $"only {checkedChanges} changes were checked");
    }

    [Fact]
    public void Every_truncation_of_base64_text_fails_with_decryption_error()
    {
        var text = _encryptor.EncryptToBase64(Email, "ada@example.com")!;
        for (var length = 0; length < text.Length; length++)
        {
            var truncated = text[..length];
            AssertDecryptionError(() => _encryptor.DecryptFromBase64<string>(Email, truncated), $"length {length}");
        }
    }

    [Fact]
    public void Non_base64_text_fails_with_decryption_error_naming_table_and_column()
    {
        var error = Assert.Throws<ColumnDecryptionException>(() => _encryptor.DecryptFromBase64<string>(Email, "ada@example.com"));
        Assert.Contains("customers.email", error.Message, StringComparison.Ordinal);
        Assert.Contains("base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_value_as_an_incompatible_type_fails_with_decryption_error_not_another_exception()
    {
        byte[][] payloads =
        [
            [], [0], [2], [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80],
            new byte[4], Enumerable.Repeat((byte)0xFF, 4).ToArray(),
            new byte[8], Enumerable.Repeat((byte)0xFF, 8).ToArray(), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
            new byte[10], Enumerable.Repeat((byte)0xFF, 10).ToArray(), [0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0x7F],
            new byte[16], Enumerable.Repeat((byte)0xFF, 16).ToArray(), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0],
            new byte[100],
        ];
        foreach (var payload in payloads)
        {
            var stored = _encryptor.Encrypt(Email, payload)!;
            AssertDecodesOrFails<string>(stored);
            AssertDecodesOrFails<bool>(stored);
            AssertDecodesOrFails<short>(stored);
            AssertDecodesOrFails<int>(stored);
            AssertDecodesOrFails<long>(stored);
            AssertDecodesOrFails<float>(stored);
            AssertDecodesOrFails<double>(stored);
            AssertDecodesOrFails<decimal>(stored);
            AssertDecodesOrFails<Guid>(stored);
            AssertDecodesOrFails<DateTime>(stored);
            AssertDecodesOrFails<DateTimeOffset>(stored);
            AssertDecodesOrFails<DateOnly>(stored);
            AssertDecodesOrFails<TimeOnly>(stored);
            AssertDecodesOrFails<TimeSpan>(stored);
            AssertDecodesOrFails<Int32Backed>(stored);
            AssertDecodesOrFails<int?>(stored);
        }

        var error = Assert.Throws<ColumnDecryptionException>(() => _encryptor.Decrypt<long>(Email, _encryptor.Encrypt(Email, 42)));
        Assert.Contains("Int64", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.KeyVersion);
    }

    private void AssertDecodesOrFails<T>(byte[] stored)
    {
        try
        {
            _encryptor.Decrypt<T>(Email, stored);
        }
        catch (ColumnDecryptionException)
        {
        }
#pragma warning disable CA1031 // the point is to see every exception type
        catch (Exception e)
#pragma warning restore CA1031
        {
            Assert.Fail($"reading {stored.Length - 35} plaintext bytes as {typeof(T).Name} threw {e.GetType().Name}: {e.Message}");
        }
    }

    [Fact]
    public void Decryption_error_message_never_contains_the_plaintext()
    {
        const string plaintext = "very-secret-plaintext-value";
        var stored = _encryptor.Encrypt(Email, plaintext)!;
        var errors = new List<Exception>
        {
            Assert.Throws<ColumnDecryptionException>(() => _encryptor.Decrypt<string>(new EncryptedColumn("t", "c"), stored)),
            Assert.Throws<ColumnDecryptionException>(() => _encryptor.Decrypt<string>(Email, stored[..40])),
        };
        var altered = (byte[])stored.Clone();
        altered[^1] ^= 1;
        errors.Add(Assert.Throws<ColumnDecryptionException>(() => _encryptor.Decrypt<string>(Email, altered)));

        Assert.All(errors, e => Assert.DoesNotContain(plaintext, e.ToString(), StringComparison.Ordinal));
    }

    private static void AssertDecryptionError(Func<object?> decrypt, string what)
    {
        object? result = null;
        Exception? error = null;
        try
        {
            result = decrypt();
        }
#pragma warning disable CA1031 // the point is to see every exception type
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }

        Assert.True(error is not null, $"{what}: decrypted to '{result}' instead of failing");
        Assert.True(error is ColumnDecryptionException, $"{what}: threw {error.GetType().Name} instead of ColumnDecryptionException: {error}");
        var decryptionError = (ColumnDecryptionException)error;
        Assert.Equal("customers", decryptionError.Table);
        Assert.Equal("email", decryptionError.Column);
        Assert.Contains("customers.email", decryptionError.Message, StringComparison.Ordinal);
    }
}
