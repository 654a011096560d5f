export interface AnswerRow {
  id: string;
  body: string;
  /** "Was this helpful?" votes. */
  helpfulCount: number;
}

export interface QuestionRow {
  id: string;
  /** The catalogue product's upc; this service knows nothing else about products. */
  productUpc: string;
  body: string;
  /** Username of the shopper who asked. */
  askedBy: string;
  /** Most helpful first, as the product page shows them. */
  answers: readonly AnswerRow[];
}

export type Sentiment = 'POSITIVE' | 'MIXED' | 'NEGATIVE';

export interface ReviewsSummaryRow {
  upc: string;
  headline: string;
  sentiment: Sentiment;
}

// A Q&A service covers part of the catalogue: popular products collect questions, most have none,
// and some questions are still unanswered.
export const questions: readonly QuestionRow[] = [
  {
    id: 'q1',
    productUpc: '1',
    body: 'Does the backpack have a hydration sleeve?',
    askedBy: 'nadia',
    answers: [
      { id: 'a1', body: 'Yes, an internal sleeve with a hose port on each shoulder strap. It fits a 2L bladder.', helpfulCount: 14 },
      { id: 'a2', body: 'Mine came with a clip to hang the bladder, too.', helpfulCount: 3 },
    ],
  },
  {
    id: 'q2',
    productUpc: '1',
    body: 'Is it waterproof?',
    askedBy: 'oscar.l',
    answers: [{ id: 'a3', body: 'Water-resistant, not waterproof. It survived a light shower, but use a cover in real rain.', helpfulCount: 9 }],
  },
  {
    id: 'q3',
    productUpc: '1',
    body: 'What is the torso length range?',
    askedBy: 'sam.k',
    answers: [],
  },
  {
    id: 'q4',
    productUpc: '2',
    body: 'Will this fit a Breville 54mm basket?',
    askedBy: 'kofi',
    answers: [{ id: 'a4', body: 'No, it is 58mm; for a 54mm basket you need the smaller model.', helpfulCount: 21 }],
  },
  {
    id: 'q5',
    productUpc: '3',
    body: 'Does it support 100W charging?',
    askedBy: 'efe',
    answers: [
      { id: 'a5', body: 'Yes, it has an e-marker chip and is rated for 5A / 100W.', helpfulCount: 11 },
      { id: 'a6', body: 'It charges my 96W MacBook Pro at full speed.', helpfulCount: 6 },
    ],
  },
  {
    id: 'q6',
    productUpc: '3',
    body: 'Can it transfer video to a monitor?',
    askedBy: 'mateo',
    answers: [{ id: 'a7', body: 'No, it is USB 2.0 data only. You need a USB 3.1 or Thunderbolt cable for video.', helpfulCount: 8 }],
  },
  {
    id: 'q7',
    productUpc: '4',
    body: 'Can I use it on an induction hob?',
    askedBy: 'quinn',
    answers: [{ id: 'a8', body: 'Yes, cast iron works on induction. Heat it up slowly to avoid warping.', helpfulCount: 17 }],
  },
  {
    id: 'q8',
    productUpc: '4',
    body: 'Is it dishwasher safe?',
    askedBy: 'rosa.m',
    answers: [
      { id: 'a9', body: 'Please do not: the dishwasher strips the seasoning and it will rust.', helpfulCount: 25 },
      { id: 'a10', body: 'Hot water and a brush, then dry it on the stove. That is all it needs.', helpfulCount: 12 },
    ],
  },
  {
    id: 'q9',
    productUpc: '10',
    body: 'Which switches does it use?',
    askedBy: 'ivan',
    answers: [{ id: 'a11', body: 'Hot-swappable sockets, shipped with tactile brown switches.', helpfulCount: 7 }],
  },
  {
    id: 'q10',
    productUpc: '10',
    body: 'Is there a UK layout?',
    askedBy: 'lena.b',
    answers: [],
  },
  {
    id: 'q11',
    productUpc: '17',
    body: 'Can I use them wired when the battery is empty?',
    askedBy: 'priya',
    answers: [{ id: 'a12', body: 'Yes, the 3.5mm cable in the box works without power, with noise cancelling off.', helpfulCount: 19 }],
  },
  {
    id: 'q12',
    productUpc: '17',
    body: 'Do they connect to two devices at once?',
    askedBy: 'hana.s',
    answers: [
      { id: 'a13', body: 'Yes, multipoint with two devices. Switching between laptop and phone is automatic.', helpfulCount: 10 },
      { id: 'a14', body: 'It works, but the switch takes a few seconds.', helpfulCount: 2 },
    ],
  },
  {
    id: 'q13',
    productUpc: '24',
    body: 'Is it itchy?',
    askedBy: 'alice',
    answers: [{ id: 'a15', body: 'Not at all: it is fine merino. I use it on the sofa with short sleeves.', helpfulCount: 4 }],
  },
];

// Summaries agree with the reviews subgraph's ratings: POSITIVE from an average of 4 stars up,
// MIXED below. No product is reviewed badly enough for NEGATIVE.
export const reviewsSummaries: readonly ReviewsSummaryRow[] = [
  { upc: '1', headline: 'Comfortable and roomy; a few durability complaints about the zipper.', sentiment: 'POSITIVE' },
  { upc: '2', headline: 'Well made and sized exactly for 58mm portafilters.', sentiment: 'POSITIVE' },
  { upc: '3', headline: 'Fast charging, but some cables failed within weeks.', sentiment: 'MIXED' },
  { upc: '4', headline: 'A heavy, well-seasoned pan that reviewers expect to last for decades.', sentiment: 'POSITIVE' },
  { upc: '6', headline: 'Quiet and long-lasting, with a loose scroll wheel for some.', sentiment: 'MIXED' },
  { upc: '10', headline: 'Great typing feel and a solid case; the software and keycaps draw complaints.', sentiment: 'POSITIVE' },
  { upc: '17', headline: 'Strong noise cancelling and battery life; a few hardware faults reported.', sentiment: 'POSITIVE' },
  { upc: '27', headline: 'Easy to set up, but the app disconnects now and then.', sentiment: 'MIXED' },
];

export const questionsById: ReadonlyMap<string, QuestionRow> = new Map(questions.map((question) => [question.id, question]));

export const questionsByProduct: ReadonlyMap<string, readonly QuestionRow[]> = questions.reduce((byProduct, question) => {
  byProduct.set(question.productUpc, [...(byProduct.get(question.productUpc) ?? []), question]);
  return byProduct;
}, new Map<string, QuestionRow[]>());

export const reviewsSummariesByUpc: ReadonlyMap<string, ReviewsSummaryRow> = new Map(
  reviewsSummaries.map((summary) => [summary.upc, summary]),
);
