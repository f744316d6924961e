using System.Security.Cryptography;
using ColumnCrypto.Configuration;
using ColumnCrypto.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Cryptography;

/// <summary>
/// Chooses the application's <see cref="ICipherBackend"/> once, when the first data key is loaded (or
/// <see cref="CipherBackendInfo"/> is first asked for): the <c>cipher</c> setting decides, <c>auto</c> taking
/// libsodium where it is supported. The chosen backend must pass <see cref="CipherSelfTest"/>; if libsodium fails it,
/// the platform backend is used with a warning, and if the platform fails too nothing is encrypted at all. Never a
/// backend that gave a wrong answer.
/// </summary>
internal sealed class CipherBackendSelector
{
    private const string Setting = "cipher";

    private readonly Lazy<(ICipherBackend Backend, CipherBackendInfo Info)> _choice;

    public CipherBackendSelector(IOptions<ColumnCryptoOptions> options, ILogger<CipherBackendSelector> logger)
        : this(() => options.Value, () => (LibsodiumCipherBackend.TryCreate(out var reason), reason), PlatformCipherBackend.Instance, logger)
    {
    }

    /// <param name="options">The options, read at the first choice.</param>
    /// <param name="libsodium">libsodium's backend, or null and why it cannot be used here.</param>
    /// <param name="platform">The platform backend.</param>
    /// <param name="logger">Where the choice and a fallback are logged.</param>
    internal CipherBackendSelector(Func<ColumnCryptoOptions> options, Func<(ICipherBackend? Backend, string? UnavailableReason)> libsodium, ICipherBackend platform, ILogger logger) =>
        _choice = new Lazy<(ICipherBackend, CipherBackendInfo)>(() => Choose(options(), libsodium(), platform, logger), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The backend every data key uses.</summary>
    /// <exception cref="ColumnCryptoConfigurationException"><c>cipher: libsodium</c> where libsodium cannot be used.</exception>
    /// <exception cref="CryptographicException">No backend passed the self-test.</exception>
    public ICipherBackend Backend => _choice.Value.Backend;

    /// <summary>The choice, for status and health checks.</summary>
    public CipherBackendInfo Info => _choice.Value.Info;

    private static (ICipherBackend, CipherBackendInfo) Choose(
        ColumnCryptoOptions options, (ICipherBackend? Backend, string? UnavailableReason) libsodium, ICipherBackend platform, ILogger logger)
    {
        var requested = options.Cipher;
        var name = options.Origin?.Name(Setting) ?? Setting;
        var (candidate, reason) = requested switch
        {
            CipherBackend.Platform => (platform, $"{name} is 'platform'"),
            CipherBackend.Libsodium when libsodium.Backend is null => throw Unsupported(options, name, libsodium.UnavailableReason),
            CipherBackend.Libsodium => (libsodium.Backend!, $"{name} is 'libsodium'"),
            _ when libsodium.Backend is not null => (libsodium.Backend!, $"{name} is 'auto', and libsodium's AES-256-GCM is supported here"),
            _ => (platform, $"{name} is 'auto', and libsodium's AES-256-GCM cannot be used here: {libsodium.UnavailableReason}"),
        };

        string? fallbackFrom = null;
        if (CipherSelfTest.Run(candidate) is { } failure)
        {
            if (candidate == platform)
            {
                throw NoWorkingBackend(platform, failure);
            }

            var failedName = CipherBackendInfo.SettingValue(candidate.Kind);
            CipherLog.SelfTestFailedFallingBack(logger, failedName, failure);
            fallbackFrom = failure;
            reason += $"; but it failed its known-answer self-test ({failure}), so the platform backend is used";
            candidate = platform;
            if (CipherSelfTest.Run(platform) is { } platformFailure)
            {
                throw NoWorkingBackend(platform, platformFailure);
            }
        }

        reason += "; self-test passed";
        var info = new CipherBackendInfo(candidate.Kind, requested, candidate.Implementation, reason, fallbackFrom);
        var chosenName = CipherBackendInfo.SettingValue(info.Backend);
        CipherLog.BackendChosen(logger, chosenName, info.Implementation, info.Reason);
        return (candidate, info);
    }

    private static ColumnCryptoConfigurationException Unsupported(ColumnCryptoOptions options, string name, string? why)
    {
        var problem = new ConfigurationProblem(Setting,
            $"{name} is 'libsodium', but libsodium's AES-256-GCM cannot be used on this machine: {why}. " +
            $"Set {name} to 'auto' (libsodium where supported, otherwise the platform's AesGcm) or to 'platform'.");
        return options.Origin?.ToException(problem) ?? new ColumnCryptoConfigurationException(problem.Message, setting: Setting);
    }

    private static CryptographicException NoWorkingBackend(ICipherBackend platform, string failure) =>
        new($"The platform AES-256-GCM ({platform.Implementation}) failed its known-answer self-test ({failure}). " +
            "ColumnCrypto encrypts and decrypts nothing rather than risk wrong output; check the machine's cryptographic library.");
}
