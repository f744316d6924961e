namespace ColumnCrypto.Keys;

/// <summary>The lifecycle state of a data key.</summary>
public enum DataKeyStatus
{
    /// <summary>Usable: the newest active key encrypts new values; every active key decrypts.</summary>
    Active = 0,

    /// <summary>Retired: no value uses it any more; it is not loaded or unwrapped.</summary>
    Retired = 1,

    /// <summary>
    /// Destroyed (crypto-shredded): a retired key whose wrapped key was wiped from the key table. Values that still
    /// used it (for example in an old backup of a table) can never be decrypted from this table again.
    /// </summary>
    Destroyed = 2,
}
