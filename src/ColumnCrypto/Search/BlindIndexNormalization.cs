namespace ColumnCrypto.Search;

/// <summary>
/// How a searchable string is normalized before its blind index is computed, so that values a lookup should treat as
/// equal get the same index. Flags combine (<c>Trim | CaseInsensitive</c>); <see cref="Nfc"/> and <see cref="Nfkc"/>
/// exclude each other. Only strings can be normalized: every other type is always <see cref="Exact"/>. The
/// normalization is bound into the column's index key and recorded in the registry, so changing it needs a rebuild
/// of the index (<c>BlindIndexBuilder.RunAsync</c>); until then lookups on the column are refused.
/// </summary>
[Flags]
public enum BlindIndexNormalization
{
    /// <summary>The value's exact encoded bytes (the default): <c>"Ada"</c> and <c>"ada"</c> are different values.</summary>
    Exact = 0,

    /// <summary>Leading and trailing white space (<see cref="char.IsWhiteSpace(char)"/>) is removed.</summary>
    Trim = 1,

    /// <summary>
    /// Case-insensitive, culture-invariant: Unicode simple case folding as .NET's invariant culture maps case
    /// (upper-cased, then lower-cased, per character), so strings equal under <see cref="StringComparison.OrdinalIgnoreCase"/>
    /// get the same index. Full foldings that change a string's length (German ß to ss) are not applied.
    /// </summary>
    CaseInsensitive = 2,

    /// <summary>Unicode normalization form C (canonical composition): <c>"e\u0301"</c> and <c>"é"</c> are the same value.</summary>
    Nfc = 4,

    /// <summary>Unicode normalization form KC (compatibility composition): also folds ligatures, width and font variants (<c>"ﬁ"</c> is <c>"fi"</c>).</summary>
    Nfkc = 8,
}
