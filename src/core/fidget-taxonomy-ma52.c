/* fidget-taxonomy-ma52.c: the built-in MA-52 scheme, 7 body parts and 52 micro-actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "fidget-taxonomy-private.h"

#ifndef N_
# define N_(s) (s)
#endif

/* Segment fills for the timeline. All seven sit in a narrow lightness band (CIE L* 59..73) so
 * that one label colour works on every fill: dark text (#1e1e1e) has a contrast ratio of at
 * least 5:1 on each of them, while each fill still stands out from a light (#fafafa, >= 2:1) and
 * a dark (#242424, >= 4.6:1) timeline. Hue and lightness were spread so the closest pair is
 * CIEDE2000 25.8 apart, and still about 10 apart under simulated deuteranopia and protanopia;
 * the code printed on each segment carries the rest. */
const FidgetBuiltinBodyPart fidget_ma52_body_parts[] = {
  { "A", N_("body"),       "#278dff" }, /* blue */
  { "B", N_("head"),       "#d3761b" }, /* orange */
  { "C", N_("upper limb"), "#23a160" }, /* green */
  { "D", N_("lower limb"), "#c5a4f4" }, /* lavender */
  { "E", N_("body-hand"),  "#ff4997" }, /* pink */
  { "F", N_("head-hand"),  "#c1b55f" }, /* khaki */
  { "G", N_("leg-hand"),   "#67b6bf" }, /* teal */
};

const guint fidget_ma52_n_body_parts = G_N_ELEMENTS (fidget_ma52_body_parts);

/* Display order: by body part, then by the number in the code. The model index is the class
 * number of the released MANet checkpoints and follows a different order; it must never be
 * derived from the position in this table. */
const FidgetBuiltinAction fidget_ma52_actions[] = {
  /* A: body */
  { "A1", N_("shaking body"),
    N_("Torso sways or rocks side to side or back and forth, repeatedly, while staying seated"),
    0, 0 },
  { "A2", N_("turning around"),
    N_("The whole torso twists to one side, shoulders rotating with it; a turn of the head alone is B3"),
    0, 3 },
  { "A3", N_("sitting straightly"),
    N_("The back straightens from a slouch into an upright posture that is then held"),
    0, 1 },
  { "A4", N_("shrugging"),
    N_("Both shoulders lift briefly towards the ears and drop back, arms and head staying put"),
    0, 2 },
  { "A5", N_("rising up"),
    N_("The body lifts up off the seat towards standing, more than just straightening the back"),
    0, 4 },

  /* B: head */
  { "B1", N_("nodding"),
    N_("Head dips down and comes back up, once or repeatedly; a bowed head (B5) stays down"),
    1, 9 },
  { "B2", N_("shaking head"),
    N_("Head rotates left and right repeatedly, as in saying no; one turn to a side is B3"),
    1, 10 },
  { "B3", N_("turning head"),
    N_("Head rotates once to one side to look that way, the torso staying forward"),
    1, 8 },
  { "B4", N_("tilting head"),
    N_("Head leans sideways, an ear dropping towards the shoulder, the face still forward"),
    1, 7 },
  { "B5", N_("bowing head"),
    N_("Head lowers, chin towards the chest, and stays down; a nod comes straight back up"),
    1, 5 },
  { "B6", N_("head up"),
    N_("Chin lifts and the head stays raised, the gaze going upwards"),
    1, 6 },

  /* C: upper limb */
  { "C1", N_("illustrative gestures"),
    N_("Hands move in the air in time with speech, shaping or stressing what is said, touching nothing"),
    2, 23 },
  { "C2", N_("other finger movements"),
    N_("Fingers of one hand move on their own (tapping, curling, twiddling) where no other C action fits"),
    2, 22 },
  { "C3", N_("hands touching fingers"),
    N_("Fingers of one hand touch, pick at or fiddle with the fingers of the other hand"),
    2, 21 },
  { "C4", N_("stretching arms"),
    N_("Arms extend away from the body, forwards, outwards or up, to nearly full length"),
    2, 17 },
  { "C5", N_("waving"),
    N_("A raised hand swings side to side, palm outwards, as in a greeting or a dismissal"),
    2, 19 },
  { "C6", N_("scratching arms"),
    N_("Fingertips of one hand scratch or rub the other forearm or upper arm"),
    2, 11 },
  { "C7", N_("spreading hands"),
    N_("Both hands open, palms up or out, and move apart, as in showing or giving up"),
    2, 20 },
  { "C8", N_("playing objects"),
    N_("Hands handle or fiddle with an object such as a pen, phone, cup or sheet of paper"),
    2, 12 },
  { "C9", N_("putting hands together"),
    N_("Both hands meet and stay joined, clasped, interlaced or palm to palm, without rubbing"),
    2, 13 },
  { "C10", N_("retracting arms"),
    N_("Arms pull back in towards the body, e.g. from the table to the lap; the reverse of C4"),
    2, 18 },
  { "C11", N_("pointing oneself"),
    N_("Hand or finger points at or taps one's own chest to mean \"me\""),
    2, 15 },
  { "C12", N_("clenching fist"),
    N_("Fingers curl tightly into a closed fist, which is held for a moment"),
    2, 16 },
  { "C13", N_("rubbing hands"),
    N_("Palms or fingers slide against each other back and forth, as if warming or washing them"),
    2, 14 },

  /* D: lower limb */
  { "D1", N_("tiptoe"),
    N_("Heels lift off the floor so the weight rests on the balls of the feet"),
    3, 31 },
  { "D2", N_("retracting feet"),
    N_("Feet slide or pull back towards or under the chair, staying near the floor"),
    3, 30 },
  { "D3", N_("shaking legs"),
    N_("A leg or knee bounces or jiggles quickly and repeatedly, often driven from the heel"),
    3, 24 },
  { "D4", N_("stretching feet"),
    N_("Legs extend forwards, the feet moving away from the chair; the reverse of D2"),
    3, 29 },
  { "D5", N_("closing legs"),
    N_("Knees and legs move together from apart; the reverse of D6"),
    3, 27 },
  { "D6", N_("spread legs"),
    N_("Knees and legs move apart from each other, widening the stance"),
    3, 26 },
  { "D7", N_("curling legs"),
    N_("Knees bend sharply and the legs fold up, feet tucked under the seat or drawn onto it"),
    3, 25 },
  { "D8", N_("crossing legs"),
    N_("One leg is lifted over the other and rests crossed at the knee or the ankle"),
    3, 28 },

  /* E: body-hand */
  { "E1", N_("scratching or touching chest"),
    N_("Hand scratches, rubs or rests on one's own chest, not pointing at oneself (C11)"),
    4, 33 },
  { "E2", N_("scratching or touching neck"),
    N_("Hand scratches, rubs or holds the neck, front, side or nape, between jaw and collar"),
    4, 32 },
  { "E3", N_("scratching or touching back"),
    N_("Hand reaches behind the body to scratch or touch the back"),
    4, 34 },
  { "E4", N_("arms akimbo"),
    N_("Hands rest on the hips or waist, elbows bent and pointing outwards"),
    4, 36 },
  { "E5", N_("crossing arms"),
    N_("Forearms fold across the chest, hands tucked in or gripping the upper arms, and stay there"),
    4, 37 },
  { "E6", N_("scratching or touching shoulder"),
    N_("Hand scratches, rubs or grips a shoulder, usually reaching across to the other side"),
    4, 35 },

  /* F: head-hand */
  { "F1", N_("touching nose"),
    N_("Fingers touch, rub or pinch the nose"),
    5, 43 },
  { "F2", N_("scratching or touching face"),
    N_("Hand scratches or touches the cheek, jaw or chin, not the nose, eyes, mouth or forehead"),
    5, 41 },
  { "F3", N_("playing or tidying hair"),
    N_("Fingers run through, twirl, smooth or tuck the hair, e.g. behind an ear"),
    5, 38 },
  { "F4", N_("scratching or touching hindbrain"),
    N_("Hand scratches or rests on the back of the head"),
    5, 39 },
  { "F5", N_("pushing glasses"),
    N_("A finger pushes spectacles up the nose or straightens their frame"),
    5, 47 },
  { "F6", N_("rubbing eyes"),
    N_("Fingers or knuckles rub one or both eyes, usually with the eyes closed"),
    5, 42 },
  { "F7", N_("scratching or touching forehead"),
    N_("Hand scratches, rubs or rests on the forehead or brow, above the eyes"),
    5, 40 },
  { "F8", N_("touching ears"),
    N_("Fingers touch, rub, pull or scratch an ear"),
    5, 44 },
  { "F9", N_("covering mouth"),
    N_("A hand is held over the mouth, the rest of the face staying visible"),
    5, 46 },
  { "F10", N_("covering face"),
    N_("One or both hands cover most of the face, eyes included, as if hiding it"),
    5, 45 },

  /* G: leg-hand */
  { "G1", N_("touching legs"),
    N_("Hand rests on or strokes the thigh or knee, without repeated tapping"),
    6, 49 },
  { "G2", N_("patting legs"),
    N_("Palm taps the thigh or knee lightly and repeatedly"),
    6, 48 },
  { "G3", N_("scratching legs"),
    N_("Fingertips rub back and forth on the thigh, knee or shin"),
    6, 50 },
  { "G4", N_("scratching feet"),
    N_("Hand reaches down to scratch or touch the foot or ankle"),
    6, 51 },
};

const guint fidget_ma52_n_actions = G_N_ELEMENTS (fidget_ma52_actions);
