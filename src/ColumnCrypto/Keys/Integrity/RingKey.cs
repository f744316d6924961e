using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ColumnCrypto.Keys.Integrity;

/// <summary>
/// The key that MACs the ring head: 256 random bits, stored only wrapped by the master key or KMS (purpose
/// <see cref="Purpose"/>, version 0), unwrapped once per process, held in a pinned array zeroed on dispose.
/// </summary>
internal sealed class RingKey : IDisposable
{
    public const string Purpose = "columncrypto-key-ring";

    /// <summary>The version its wrapping is bound to: ring keys are not versioned, data keys start at 1.</summary>
    public const int WrapVersion = 0;

    private static readonly byte[] MacLabel = Encoding.ASCII.GetBytes("ColumnCrypto.KeyRingHead.v1");

    private readonly byte[] _material = GC.AllocateArray<byte>(32, pinned: true);

    /// <summary>Takes a copy of <paramref name="material"/>; the caller zeroes its own.</summary>
    public RingKey(ReadOnlySpan<byte> material)
    {
        if (material.Length != _material.Length)
        {
            throw new CryptographicException($"A ring key is {_material.Length} bytes, not {material.Length}.");
        }

        material.CopyTo(_material);
    }

    public static Wrapping.KeyWrapContext WrapContext => new(WrapVersion, Purpose);

    public ReadOnlySpan<byte> Material => _material;

    /// <summary>The MAC of a head with <paramref name="generation"/> and <paramref name="manifest"/>.</summary>
    public byte[] Mac(long generation, string manifest)
    {
        var text = Encoding.UTF8.GetBytes(manifest);
        var message = new byte[MacLabel.Length + 8 + text.Length];
        MacLabel.CopyTo(message, 0);
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(MacLabel.Length), generation);
        text.CopyTo(message, MacLabel.Length + 8);
        return HMACSHA256.HashData(_material, message);
    }

    public bool Authenticates(KeyRingHead head) => CryptographicOperations.FixedTimeEquals(Mac(head.Generation, head.Manifest), head.Mac);

    public void Dispose() => CryptographicOperations.ZeroMemory(_material);

    /// <summary>Never shows key material.</summary>
    public override string ToString() => "RingKey";
}
