using ColumnCrypto.Configuration;
using ColumnCrypto.Cryptography;

namespace ColumnCrypto.Tests.Cryptography;

/// <summary>A real backend made wrong in one way, to show that a wrong backend is never used.</summary>
internal sealed class FaultyCipherBackend(ICipherBackend inner, FaultyCipherBackend.Fault fault) : ICipherBackend
{
    public enum Fault
    {
        FlipsOutputBit,
        AcceptsEverything,
        Throws,
    }

    public CipherBackend Kind => inner.Kind;

    public string Implementation => $"faulty {inner.Implementation}";

    public ICipherKey CreateKey(ReadOnlySpan<byte> key) => new FaultyKey(inner.CreateKey(key), fault);

    public KeyedHash CreateKeyedHash(ReadOnlySpan<byte> key) => inner.CreateKeyedHash(key);

    private sealed class FaultyKey(ICipherKey inner, Fault fault) : ICipherKey
    {
        public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> ciphertextAndTag)
        {
            ThrowIfBroken();
            inner.Encrypt(nonce, plaintext, associatedData, ciphertextAndTag);
            if (fault == Fault.FlipsOutputBit)
            {
                ciphertextAndTag[0] ^= 0x80;
            }
        }

        public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
        {
            ThrowIfBroken();
            var ok = inner.TryDecrypt(nonce, ciphertextAndTag, associatedData, plaintext);
            return ok || fault == Fault.AcceptsEverything;
        }

        public void Dispose() => inner.Dispose();

        private void ThrowIfBroken()
        {
            if (fault == Fault.Throws)
            {
                throw new DllNotFoundException("libcrypto is gone");
            }
        }
    }
}
