using ColumnCrypto.Configuration;

namespace ColumnCrypto.Diagnostics;

/// <summary>
/// Which AES-256-GCM implementation this application uses, and why: for health checks and status pages. Resolve it
/// from the service provider (<c>services.GetRequiredService&lt;CipherBackendInfo&gt;()</c>); the first resolution
/// chooses the backend and runs its known-answer self-test, as the first key load does, so it also fails when the
/// <c>cipher</c> setting cannot be met. The choice is made once per application and never changes.
/// </summary>
public sealed class CipherBackendInfo
{
    internal CipherBackendInfo(CipherBackend backend, CipherBackend requested, string implementation, string reason, string? selfTestFailure)
    {
        Backend = backend;
        Requested = requested;
        Implementation = implementation;
        Reason = reason;
        SelfTestFailure = selfTestFailure;
    }

    /// <summary>The backend in use: <see cref="CipherBackend.Libsodium"/> or <see cref="CipherBackend.Platform"/>, never <see cref="CipherBackend.Auto"/>.</summary>
    public CipherBackend Backend { get; }

    /// <summary>The <c>cipher</c> setting.</summary>
    public CipherBackend Requested { get; }

    /// <summary>The library doing the work, for example <c>libsodium AES-256-GCM through NSec.Cryptography 26.4.0</c>.</summary>
    public string Implementation { get; }

    /// <summary>Why this backend was chosen, in a sentence.</summary>
    public string Reason { get; }

    /// <summary>
    /// Null normally. When libsodium failed its self-test, what failed: the platform backend is then used instead
    /// (a warning was logged). A health check should report this as degraded.
    /// </summary>
    public string? SelfTestFailure { get; }

    /// <summary>The setting's name for <paramref name="backend"/>: <c>auto</c>, <c>libsodium</c> or <c>platform</c>.</summary>
    public static string SettingValue(CipherBackend backend) => backend switch
    {
        CipherBackend.Auto => "auto",
        CipherBackend.Libsodium => "libsodium",
        CipherBackend.Platform => "platform",
        _ => ((int)backend).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>For example <c>libsodium (libsodium AES-256-GCM through NSec.Cryptography 26.4.0): cipher: auto, ...</c>.</summary>
    public override string ToString() => $"{SettingValue(Backend)} ({Implementation}): {Reason}";
}
