namespace ColumnCrypto.Keys.Integrity;

/// <summary>
/// One key row as the ring head records it: what kind of key it is (its purpose, the same label that binds its
/// wrapping), its version, its status and its commitment. A new kind of key row (a blind-index key, say) joins the ring
/// with its own purpose: its rows get entries like data keys do, and versions are numbered per purpose.
/// </summary>
internal sealed record KeyRingEntry(string Purpose, int Version, DataKeyStatus Status, byte[] Commitment)
{
    /// <summary>The entry of a data key row.</summary>
    public static KeyRingEntry Of(DataKeyRecord row) => new(Wrapping.KeyWrapContext.DataKeyPurpose, row.Version, row.Status, row.Commitment);

    /// <summary>The entry of a blind-index key row.</summary>
    public static KeyRingEntry OfBlindIndexKey(DataKeyRecord row) => new(Wrapping.KeyWrapContext.BlindIndexKeyPurpose, row.Version, row.Status, row.Commitment);
}
