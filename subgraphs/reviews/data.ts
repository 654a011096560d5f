export interface ReviewRow {
  id: string;
  productUpc: string;
  authorId: string;
  /** 1 to 5 stars. */
  rating: number;
  body: string;
}

/**
 * The reviews service keeps its own copy of each author's username (taken when the review was
 * written), which is what lets `Review.author` @provides `username` without a call to accounts.
 */
export const authorUsernames: ReadonlyMap<string, string> = new Map([
  ['u1', 'alice'], ['u5', 'efe'], ['u8', 'hana.s'], ['u9', 'ivan'], ['u11', 'kofi'], ['u12', 'lena.b'],
  ['u13', 'mateo'], ['u14', 'nadia'], ['u15', 'oscar.l'], ['u16', 'priya'], ['u17', 'quinn'],
  ['u18', 'rosa.m'], ['u19', 'sam.k'],
]);

type Row = readonly [productUpc: string, authorId: string, rating: number, body: string];

// Grouped by product. Like real shops: a few best sellers collect most reviews, several products
// have none, ratings lean to 4 and 5, and the merchants (u2, u3, u4, u6, u7, u10) review nothing.
const rows: readonly Row[] = [
  ['1', 'u1', 5, 'Fits a 2L bladder and a shell jacket with room to spare. The hip belt pockets are great.'],
  ['1', 'u5', 4, 'Comfortable on long runs, but the chest strap slips a bit.'],
  ['1', 'u9', 5, 'Used it for a 30 km ultra with no chafing at all.'],
  ['1', 'u12', 3, 'Good pack, but the side pockets are too tight for a 750ml bottle.'],
  ['1', 'u14', 5, 'Light, sturdy, and the colour has not faded after a summer outdoors.'],
  ['1', 'u16', 4, 'Does everything I need. I wish it came with a rain cover.'],
  ['1', 'u18', 2, 'The zipper broke after two months. Support did replace it.'],
  ['2', 'u1', 5, 'Perfect weight, and the 58mm base fits my portafilter exactly.'],
  ['2', 'u11', 4, 'Solid and well finished. The handle is a little short for big hands.'],
  ['2', 'u15', 5, 'My shots got noticeably more consistent.'],
  ['3', 'u5', 5, 'Charges my laptop at full speed and the braiding feels durable.'],
  ['3', 'u8', 4, 'Does the job; 2m is a nice length for the couch.'],
  ['3', 'u13', 1, 'Stopped working after three weeks.'],
  ['3', 'u19', 4, 'Cheap and reliable so far.'],
  ['4', 'u1', 5, 'Came well seasoned. Eggs slide right off after a week of use.'],
  ['4', 'u9', 5, 'Heavy, but that is the point. Great sear on steaks.'],
  ['4', 'u11', 4, 'Excellent pan. The handle gets hot, so keep a mitt nearby.'],
  ['4', 'u14', 5, 'This will outlive me.'],
  ['4', 'u17', 3, 'Good pan, but it arrived with a rough spot on the cooking surface.'],
  ['5', 'u8', 5, 'Could not put it down. The ending is perfect.'],
  ['5', 'u12', 4, 'Slow first act, but worth sticking with.'],
  ['5', 'u16', 3, 'Beautifully written, if a bit too long.'],
  ['6', 'u1', 4, 'Quiet clicks, and the battery lasts for months.'],
  ['6', 'u5', 5, 'The best budget mouse I have owned.'],
  ['6', 'u9', 3, 'The scroll wheel is a bit loose.'],
  ['6', 'u13', 4, 'Pairs quickly with both my laptop and my tablet.'],
  ['6', 'u15', 5, 'Comfortable for a full workday.'],
  ['6', 'u19', 2, 'Tracking skips on my glass desk.'],
  ['7', 'u12', 5, 'Lovely glaze, and it keeps coffee warm for a while.'],
  ['7', 'u14', 4, 'Nice mug, slightly smaller than I expected.'],
  ['7', 'u18', 5, 'Bought a second one as a gift.'],
  ['8', 'u5', 5, 'Bright and light, and the red mode is handy at camp.'],
  ['8', 'u9', 4, 'The battery lasts two nights of heavy use.'],
  ['8', 'u16', 4, 'The strap is comfortable over a beanie.'],
  ['9', 'u8', 5, 'Took my family a whole evening to open. A great gift.'],
  ['9', 'u17', 4, 'Well made, though the final step is a little loose.'],
  ['10', 'u1', 5, 'Tactile switches feel great and the aluminium case is solid.'],
  ['10', 'u5', 4, 'I love the typing feel; the configuration software is clunky.'],
  ['10', 'u9', 5, 'Hot-swappable switches made it easy to customise.'],
  ['10', 'u11', 4, 'Loud, but my colleagues have forgiven me.'],
  ['10', 'u13', 5, 'The best keyboard I have used for programming.'],
  ['10', 'u15', 3, 'The keycaps started to shine after a few months.'],
  ['10', 'u19', 4, 'Great board, but the USB-C port is a bit wobbly.'],
  ['11', 'u12', 4, 'Soft, and the colour matches the photos.'],
  ['11', 'u18', 3, 'Nice fabric, but the insert is flat.'],
  ['12', 'u1', 5, 'Ice lasts all day and it never leaks in my bag.'],
  ['12', 'u8', 4, 'Great bottle, though the lid is hard to clean.'],
  ['12', 'u14', 5, 'Survived a drop onto rocks with only a dent.'],
  ['12', 'u16', 4, 'Fits my bike cage snugly.'],
  ['14', 'u9', 5, 'Razor sharp out of the box and it holds its edge.'],
  ['14', 'u11', 5, 'Well balanced; prep work is a joy now.'],
  ['14', 'u12', 4, 'Great knife, but the handle is a bit slippery when wet.'],
  ['14', 'u17', 5, 'Worth every cent.'],
  ['14', 'u1', 4, 'Sharp and light. Hand wash only, of course.'],
  ['15', 'u13', 5, 'My kids have played with it every day for a month.'],
  ['15', 'u18', 4, 'A good variety of pieces. The box could be sturdier.'],
  ['15', 'u8', 4, 'Works with the big brands, which was a nice surprise.'],
  ['17', 'u1', 5, 'The noise cancelling is superb on flights.'],
  ['17', 'u5', 4, 'Great sound, a little tight on the head at first.'],
  ['17', 'u9', 5, 'The battery lasts a week of commuting.'],
  ['17', 'u11', 3, 'Good noise cancelling, but the app keeps asking me to sign in.'],
  ['17', 'u12', 5, 'Calls sound clear even on a windy street.'],
  ['17', 'u13', 4, 'Comfortable for hours. The case is bulky.'],
  ['17', 'u15', 5, 'My best purchase this year.'],
  ['17', 'u17', 2, 'The left ear cup started crackling after a month.'],
  ['17', 'u19', 4, 'Excellent, but pricey.'],
  ['19', 'u16', 5, 'Clear illustrations and range maps. It lives in my hiking bag now.'],
  ['20', 'u14', 4, 'Smells like a cedar forest and burns evenly.'],
  ['20', 'u18', 3, 'A nice scent, but faint once lit.'],
  ['21', 'u15', 3, 'Does the job, but wobbles with a large phone.'],
  ['22', 'u13', 4, 'Classic fun, though the string tangles easily.'],
  ['23', 'u11', 4, 'Sturdy, but it needs oiling more often than I expected.'],
  ['24', 'u12', 5, 'Warm and not itchy at all.'],
  ['24', 'u8', 5, 'Heirloom quality.'],
  ['25', 'u9', 5, 'Held firm in rocky ground through a storm.'],
  ['26', 'u14', 4, 'Most recipes really are done in 30 minutes.'],
  ['27', 'u5', 4, 'Easy to set up and it works with my home automation.'],
  ['27', 'u19', 2, 'Drops off the Wi-Fi every few days.'],
  ['29', 'u18', 5, 'Silent movement, and it looks great in the kitchen.'],
  ['30', 'u16', 5, 'A great way to find a new favourite. The smoky one is wonderful.'],
];

export const reviews: readonly ReviewRow[] = rows.map(([productUpc, authorId, rating, body], index) => {
  // Invariant behind @provides: every author's username is known here.
  if (!authorUsernames.has(authorId)) throw new Error(`Review ${index + 1}: no username for author ${authorId}.`);
  return { id: `r${index + 1}`, productUpc, authorId, rating, body };
});

export const reviewsById: ReadonlyMap<string, ReviewRow> = new Map(reviews.map((review) => [review.id, review]));
export const reviewsByAuthor = groupBy(reviews, (review) => review.authorId);
export const reviewsByProduct = groupBy(reviews, (review) => review.productUpc);

function groupBy(rows: readonly ReviewRow[], keyOf: (row: ReviewRow) => string): ReadonlyMap<string, readonly ReviewRow[]> {
  const groups = new Map<string, ReviewRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
