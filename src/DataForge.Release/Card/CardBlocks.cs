namespace DataForge.Release.Card;

/// <summary>One part of a card section; the HTML and Markdown writers render each kind in their own way.</summary>
public abstract record CardBlock;

/// <summary>A paragraph of plain text (escaped by the writers).</summary>
public sealed record CardParagraph(string Text) : CardBlock;

/// <summary>A bulleted list of plain-text lines.</summary>
public sealed record CardList(IReadOnlyList<string> Lines) : CardBlock;

/// <summary>
/// A table of counts: a header row and rows of cells. <paramref name="Id"/> names it in the HTML
/// (<c>data-table</c>) so a reader or a test can find it; the first <paramref name="KeyColumns"/> columns are labels,
/// the rest numbers (right-aligned).
/// </summary>
public sealed record CardTable(string Id, string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, int KeyColumns = 1) : CardBlock;

/// <summary>A bar chart: one bar per label with its count, in groups (e.g. a histogram per modality).</summary>
/// <param name="Id">Names the plot in the HTML (<c>data-plot</c>).</param>
/// <param name="Title">What is plotted, with its unit.</param>
/// <param name="Groups">Each group's name and its bars (label, value), in order.</param>
/// <param name="Note">A line under the plot (e.g. the ratios asked), or null.</param>
public sealed record CardPlot(string Id, string Title, IReadOnlyList<(string Name, IReadOnlyList<(string Label, double Value)> Bars)> Groups, string? Note = null) : CardBlock;

/// <summary>
/// A Datasheet/Healthsheet question: its id (the key in <c>release.card.text</c>), the question, and its answer,
/// computed from the release (<paramref name="Computed"/>), given by the authors, or null (left for the authors).
/// </summary>
public sealed record CardQuestion(string Id, string Question, string? Answer, bool Computed) : CardBlock;

/// <summary>A titled part of the card.</summary>
public sealed record CardSection(string Id, string Title, IReadOnlyList<CardBlock> Blocks);
