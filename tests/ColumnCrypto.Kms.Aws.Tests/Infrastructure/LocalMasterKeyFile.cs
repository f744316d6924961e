using System.Security.Cryptography;

namespace ColumnCrypto.Kms.Aws.Tests.Infrastructure;

/// <summary>A random local master key in a temporary file, as <c>masterKey.file</c> names it; deleted on dispose.</summary>
internal sealed class LocalMasterKeyFile : IDisposable
{
    public LocalMasterKeyFile()
    {
        Bytes = RandomNumberGenerator.GetBytes(32);
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"columncrypto-test-master-{Guid.NewGuid():N}.key");
        File.WriteAllText(Path, Convert.ToBase64String(Bytes));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public byte[] Bytes { get; }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
