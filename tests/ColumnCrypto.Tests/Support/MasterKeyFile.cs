using System.Security.Cryptography;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Tests.Support;

/// <summary>
/// A master key in a temporary file (base64 of 32 bytes), as <c>masterKey.file</c> names it. Tests use files rather
/// than environment variables because tests run in parallel and the environment is process-wide.
/// </summary>
internal sealed class MasterKeyFile : IDisposable
{
    private MasterKeyFile(byte[] key, string text)
    {
        Bytes = key;
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"columncrypto-test-{Guid.NewGuid():N}.key");
        File.WriteAllText(Path, text);
        OwnerOnly(Path);
    }

    /// <summary>A fresh random 256-bit master key.</summary>
    public static MasterKeyFile Random() => FromBytes(RandomNumberGenerator.GetBytes(32));

    /// <summary>A file holding <paramref name="key"/> in base64.</summary>
    public static MasterKeyFile FromBytes(byte[] key) => new([.. key], Convert.ToBase64String(key));

    /// <summary>A file holding arbitrary text (for malformed key files).</summary>
    public static MasterKeyFile WithText(string text) => new([], text);

    /// <summary>Owner read and write only (0600), as a master key file must be where permissions exist.</summary>
    public static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public byte[] Bytes { get; }

    public string Path { get; }

    public string Base64 => Convert.ToBase64String(Bytes);

    /// <summary>The fingerprint key id the library stores in the key table for this master key.</summary>
    public string KeyId
    {
        get
        {
            using var wrapper = CreateWrapper();
            return wrapper.KeyId;
        }
    }

    /// <summary>A wrapper of this master key (the wrapper zeroes the array it is given, so it gets a copy).</summary>
    public LocalMasterKeyWrapper CreateWrapper() => new([.. Bytes]);

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is harmless.
        }
    }
}
