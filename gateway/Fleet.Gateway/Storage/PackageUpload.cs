namespace Fleet.Gateway.Storage;

/// <summary>What <see cref="PackageStore.UploadAsync"/> did.</summary>
public enum PackageUpload
{
    Stored,

    /// <summary>A package of that name was there already; the body was not read.</summary>
    Exists,

    TooLarge,

    /// <summary>The bytes hash to another name than the one they were sent under.</summary>
    Mismatch,
}
