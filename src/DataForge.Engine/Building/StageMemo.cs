using System.Globalization;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Engine.Building;

/// <summary>
/// What a stage's last run vouches for, kept in state.db's meta as <c>stage-inputs:ID</c> =
/// <c>memo/1 FINGERPRINT INPUTS ACTIONS</c>: written only by a run in which every action was done
/// (and removed, with the build fingerprint, before a build writes anything), it says that the stage's
/// slots are exactly the results of its last run: one per action (ACTIONS), over INPUTS items, with
/// the definition FINGERPRINT (id, version, shape, config, inputs, input paths, publish). An input
/// item marked <see cref="Planning.Item.Unchanged"/> was among those inputs with the same content, so
/// its action is its slot's; when all INPUTS are unchanged, the input list is the last run's.
/// </summary>
internal sealed record StageMemo(string Fingerprint, int Inputs, int Actions)
{
    private const string Tag = "memo/1";

    /// <summary>The definition's fingerprint: everything besides the inputs' content that decides a stage's slots.</summary>
    public static string FingerprintOf(StageDefinition definition, ContentHash definitionHash)
    {
        using var h = new KeyHasher("stage-memo/1");
        h.Add('i', definition.Id).Add('v', definition.Version).Add('d', definitionHash).Add('p', definition.Publish ? 1 : 0);
        foreach (var input in definition.Inputs)
        {
            h.Add('u', input);
            if (definition.InputPaths?.GetValueOrDefault(input) is { } globs)
                foreach (var glob in globs) h.Add('g', glob);
        }
        return h.Finish().Hex;
    }

    /// <summary>The memo in a meta value, or null (absent, or another format: then the stage plans per item).</summary>
    public static StageMemo? Parse(string? text)
    {
        var parts = text?.Split(' ');
        if (parts is not [Tag, { Length: 64 } fingerprint, var inputs, var actions]
            || !int.TryParse(inputs, NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            || !int.TryParse(actions, NumberStyles.None, CultureInfo.InvariantCulture, out var a)) return null;
        return new StageMemo(fingerprint, i, a);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Tag} {Fingerprint} {Inputs} {Actions}");
}
