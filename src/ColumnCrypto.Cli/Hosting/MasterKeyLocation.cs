using System.Security.Cryptography;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Configuration;

namespace ColumnCrypto.Cli.Hosting;

/// <summary>
/// Where the local master key comes from when no KMS is configured: <c>masterKey.file</c>, else the environment
/// variable (<c>COLUMNCRYPTO_MASTER_KEY</c>), else the tool's default file <c>.columncrypto/master.key</c> in the
/// working folder (the one <c>init</c> generates and the sample uses).
/// </summary>
internal sealed class MasterKeyLocation
{
    public const string DefaultFile = ".columncrypto/master.key";
    private const int KeySize = 32;

    private MasterKeyLocation(string? file, string? environmentVariable, bool isDefaultFile)
    {
        File = file;
        EnvironmentVariable = environmentVariable;
        IsDefaultFile = isDefaultFile;
    }

    /// <summary>The key file, when the key is (to be) in a file.</summary>
    public string? File { get; }

    /// <summary>The environment variable, when the key is in one.</summary>
    public string? EnvironmentVariable { get; }

    public bool IsDefaultFile { get; }

    public bool Exists => File is null || System.IO.File.Exists(File);

    public string Description => File is not null
        ? $"master key file {File}"
        : $"master key in environment variable {EnvironmentVariable}";

    /// <summary>Decides where the key is, and points <paramref name="options"/> at the default file when it is used.</summary>
    public static MasterKeyLocation Resolve(ColumnCryptoOptions options, CliEnvironment environment)
    {
        var settings = options.MasterKey;
        if (!string.IsNullOrWhiteSpace(settings.File))
        {
            return new MasterKeyLocation(settings.File, null, false);
        }

        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(settings.EnvironmentVariable)))
        {
            return new MasterKeyLocation(null, settings.EnvironmentVariable, false);
        }

        var file = environment.ResolvePath(DefaultFile);
        settings.File = file;
        return new MasterKeyLocation(file, null, true);
    }

    /// <summary>The error when the key is needed but its file does not exist.</summary>
    public CliException Missing(ColumnCryptoOptions options) => CliException.Configuration(IsDefaultFile
        ? $"No master key: no KMS is configured (plugins.awsKms), masterKey.file is not set, {options.MasterKey.EnvironmentVariable} is not set, " +
          $"and the default key file {File} does not exist. Run 'columncrypto init' to generate one, or pass --config with your settings."
        : $"The master key file {File} (masterKey.file) does not exist. Restore it from your backup, or run 'columncrypto init' to generate a new one on a database without data keys.");

    /// <summary>Reads the key (32 bytes, base64) for a rewrap target. The caller zeroes it.</summary>
    public byte[] Read()
    {
        var text = File is not null ? System.IO.File.ReadAllText(File) : Environment.GetEnvironmentVariable(EnvironmentVariable!) ?? string.Empty;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException e)
        {
            throw CliException.Configuration($"The {Description} is not base64 text; a master key is 32 random bytes in base64.", e);
        }

        if (key.Length != KeySize)
        {
            CryptographicOperations.ZeroMemory(key);
            throw CliException.Configuration($"The {Description} holds {key.Length} bytes; a master key is {KeySize} bytes (256 bits) in base64.");
        }

        return key;
    }

    /// <summary>Creates the key file's folder, owner-only (0700), when the key is in a file that does not exist yet.</summary>
    public void CreateFolderIfMissing()
    {
        if (File is null || Exists || Path.GetDirectoryName(File) is not { } folder || Directory.Exists(folder))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Writes a new random key to <see cref="File"/>, readable by the owner only (0600), in a folder only the owner can list (0700).</summary>
    public void Generate()
    {
        var file = File ?? throw new InvalidOperationException("The master key is not in a file.");
        CreateFolderIfMissing();

        var key = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(file, options);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(key));
            writer.Write('\n');
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
