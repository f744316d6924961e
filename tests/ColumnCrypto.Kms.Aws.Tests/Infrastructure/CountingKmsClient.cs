using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace ColumnCrypto.Kms.Aws.Tests.Infrastructure;

/// <summary>
/// Counts the calls made through the real KMS client, by operation, and forwards every call unchanged (a decorator,
/// not a mock: the emulator answers). Decrypt requests also record the key version of their encryption context.
/// </summary>
public class CountingKmsClient : DispatchProxy
{
    private readonly ConcurrentQueue<string> _operations = new();
    private readonly ConcurrentQueue<string> _decryptedVersions = new();
    private IAmazonKeyManagementService _inner = null!;

    public static IAmazonKeyManagementService Wrap(IAmazonKeyManagementService inner, out CountingKmsClient counter)
    {
        var proxy = Create<IAmazonKeyManagementService, CountingKmsClient>();
        counter = (CountingKmsClient)(object)proxy;
        counter._inner = inner;
        return proxy;
    }

    public int Count(string operation) => _operations.Count(o => o == operation);

    public int Total => _operations.Count;

    /// <summary>The <c>columncrypto:key-version</c> of each Decrypt request, in call order.</summary>
    public IReadOnlyList<string> DecryptedVersions => [.. _decryptedVersions];

    public void Reset()
    {
        _operations.Clear();
        _decryptedVersions.Clear();
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name.EndsWith("Async", StringComparison.Ordinal) && args is [Amazon.Runtime.AmazonWebServiceRequest request, ..])
        {
            _operations.Enqueue(targetMethod.Name[..^"Async".Length]);
            if (request is DecryptRequest decrypt && decrypt.EncryptionContext?.TryGetValue("columncrypto:key-version", out var version) == true)
            {
                _decryptedVersions.Enqueue(version);
            }
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
