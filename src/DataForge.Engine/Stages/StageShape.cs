namespace DataForge.Engine.Stages;

/// <summary>How a stage's actions are cut from its input items.</summary>
public enum StageShape
{
    /// <summary>One action per input item (de-identify one instance).</summary>
    Map,

    /// <summary>One action per group of input items sharing a metadata value (all instances of a series).</summary>
    Group,

    /// <summary>One action over every input item (landmarks, statistics, splits).</summary>
    Reduce,
}
