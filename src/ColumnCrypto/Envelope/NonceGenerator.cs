using System.Security.Cryptography;

namespace ColumnCrypto.Envelope;

/// <summary>
/// Hands out 96-bit GCM nonces from a per-thread buffer of CSPRNG output.
/// <para>
/// Why: <see cref="RandomNumberGenerator.Fill(Span{byte})"/> costs about 2 µs per call whatever the size (one system
/// call), which would dominate a 40-byte encryption. Buffering changes nothing about the nonces: every nonce is still
/// 12 bytes of fresh CSPRNG output, each buffer position is handed out exactly once, and buffers are per thread, so no
/// two encryptions share bytes. The collision bound stays that of random 96-bit nonces (see schedule.maxEncryptionsPerKey).
/// </para>
/// </summary>
internal static class NonceGenerator
{
    // 256 nonces per refill: one system call per 256 encryptions on a thread.
    private const int BufferSize = EnvelopeLayout.NonceSize * 256;

    [ThreadStatic]
    private static byte[]? t_buffer;

    [ThreadStatic]
    private static int t_offset;

    public static void Fill(Span<byte> nonce)
    {
        var buffer = t_buffer;
        var offset = t_offset;
        if (buffer is null || offset + EnvelopeLayout.NonceSize > BufferSize)
        {
            buffer ??= t_buffer = new byte[BufferSize];
            RandomNumberGenerator.Fill(buffer);
            offset = 0;
        }

        buffer.AsSpan(offset, EnvelopeLayout.NonceSize).CopyTo(nonce);
        t_offset = offset + EnvelopeLayout.NonceSize;
    }
}
