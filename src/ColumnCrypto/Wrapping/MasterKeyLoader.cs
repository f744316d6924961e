using ColumnCrypto.Configuration;

namespace ColumnCrypto.Wrapping;

/// <summary>Reads the local 256-bit master key (base64) from the key file named in the YAML, or from the environment.</summary>
internal static class MasterKeyLoader
{
    public const int KeySize = 32;

    public static byte[] Load(ColumnCryptoOptions options, Func<string, string?> getEnvironmentVariable)
    {
        var settings = options.MasterKey;
        string text;
        string where;
        if (!string.IsNullOrWhiteSpace(settings.File))
        {
            where = $"master key file '{settings.File}' (masterKey.file)";
            RefuseOpenPermissions(settings.File, options);
            try
            {
                text = File.ReadAllText(settings.File);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ColumnCryptoConfigurationException(
                    $"Cannot read the {where}: {e.Message} Create it with 'columncrypto init', or fix masterKey.file in {options.Source ?? "the configuration"}.",
                    options.Source, null, "masterKey.file", e);
            }
        }
        else
        {
            where = $"environment variable {settings.EnvironmentVariable}";
            text = getEnvironmentVariable(settings.EnvironmentVariable) ?? string.Empty;
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ColumnCryptoConfigurationException(
                    $"No master key: the environment variable {settings.EnvironmentVariable} is not set, masterKey.file is not configured, " +
                    "and no KMS plugin is configured (a plugins.<name> section with isKms: true). Set one of them: for example 'export " +
                    settings.EnvironmentVariable + "=$(openssl rand -base64 32)' (keep that key safe: without it no data key can be unwrapped), " +
                    "or configure a KMS plugin.",
                    options.Source, null, "masterKey");
            }
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException e)
        {
            throw new ColumnCryptoConfigurationException(
                $"The {where} is not base64 text. A master key is 32 random bytes in base64, for example from 'openssl rand -base64 32'.",
                options.Source, null, "masterKey", e);
        }

        if (key.Length != KeySize)
        {
            var length = key.Length;
            Array.Clear(key);
            throw new ColumnCryptoConfigurationException(
                $"The {where} holds {length} bytes; a master key is {KeySize} bytes (256 bits) in base64, for example from 'openssl rand -base64 32'.",
                options.Source, null, "masterKey");
        }

        return key;
    }

    /// <summary>
    /// Refuses a master key file that users other than its owner may read or change (POSIX permissions; Windows ACLs
    /// are left to the operator): whoever reads it can unwrap every data key.
    /// </summary>
    public static void RefuseOpenPermissions(string file, ColumnCryptoOptions options)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(file))
        {
            return;
        }

        const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(file);
        if ((mode & GroupOrOthers) != 0)
        {
            var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
            throw new ColumnCryptoConfigurationException(
                $"The master key file '{file}' (masterKey.file) can be read or changed by users other than its owner (mode {octal}): whoever " +
                $"can read it can unwrap every data key. Make it readable by its owner only: chmod 600 '{file}'.",
                options.Source, null, "masterKey.file");
        }
    }
}
