namespace ColumnCrypto.Sample;

/// <summary>
/// A customer of a small shop. The personal data is [Encrypted]: stored as AES-256-GCM ciphertext, read back in clear.
/// Encrypted columns cannot be filtered or sorted in the database, so look customers up by <see cref="Id"/> or
/// <see cref="Name"/> (kept in clear on purpose, as a display name).
/// </summary>
public sealed class Customer
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    [Encrypted] public string Email { get; set; } = string.Empty;

    [Encrypted] public string NationalId { get; set; } = string.Empty;

    [Encrypted] public string? Notes { get; set; }

    [Encrypted] public DateOnly DateOfBirth { get; set; }

    [Encrypted] public decimal CreditLimit { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
