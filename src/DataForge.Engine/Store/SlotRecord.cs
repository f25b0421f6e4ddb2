using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// What a stage last built for one of its slots (an input item, a group, or the whole dataset):
/// the action key and the parts it was made of, so a rerun can say which part changed.
/// </summary>
public sealed record SlotRecord(ContentHash Action, int Version, ContentHash Config, ContentHash Inputs);
