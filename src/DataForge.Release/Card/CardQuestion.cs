namespace DataForge.Release.Card;

/// <summary>
/// A Datasheet/Healthsheet question: its id (the key in <c>release.card.text</c>), the question, and its answer,
/// computed from the release (<paramref name="Computed"/>), given by the authors, or null (left for the authors).
/// </summary>
public sealed record CardQuestion(string Id, string Question, string? Answer, bool Computed) : CardBlock;
