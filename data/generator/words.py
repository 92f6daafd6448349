"""Word lists for generated names, and the item catalogue the SKUs are drawn from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class _Item:
    noun: str
    cost: float
    weight_kg: float
    variants: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Category:
    name: str
    supplier_word: str
    density: float  # kg per m3 of a unit, packed
    season_amp: float
    season_peak: int  # day of the year of the seasonal maximum
    adjectives: tuple[str, ...]
    items: tuple[_Item, ...]


def _i(noun: str, cost: float, weight: float, *variants: tuple[str, float]) -> _Item:
    return _Item(noun, cost, weight, variants)


CATEGORIES: tuple[Category, ...] = (
    Category("fasteners", "Fastening", 1200, 0.05, 120,
             ("Stainless", "Galvanised", "Zinc-Plated", "Brass", "Black Oxide", "A4 Stainless"),
             (_i("Hex Bolt", 0.55, 0.03, ("M6", 0.5), ("M8", 1), ("M10", 1.8), ("M12", 3)),
              _i("Wood Screws", 6.5, 0.8, ("3.5x30 Box 200", 0.6), ("4x40 Box 200", 1),
                 ("5x60 Box 100", 1.4), ("6x80 Box 50", 1.6)),
              _i("Wall Plugs", 3.9, 0.25, ("6mm Box 100", 0.7), ("8mm Box 100", 1),
                 ("10mm Box 50", 1.2)),
              _i("Anchor Bolt", 1.9, 0.12, ("M8x75", 0.7), ("M10x90", 1), ("M12x110", 1.6)),
              _i("Threaded Rod", 2.8, 0.6, ("M8 1m", 0.7), ("M10 1m", 1), ("M12 1m", 1.5)),
              _i("Washers", 2.5, 0.3, ("M6 Box 100", 0.6), ("M8 Box 100", 1),
                 ("M10 Box 100", 1.5)),
              _i("Blind Rivets", 5.5, 0.3, ("4x10 Box 500", 1), ("4.8x12 Box 250", 1.1)))),
    Category("tools", "Tools", 300, 0.15, 110,
             ("Pro", "Heavy-Duty", "Compact", "Industrial", "Ergo", "Classic"),
             (_i("Claw Hammer", 14, 0.7, ("300g", 0.8), ("450g", 1), ("600g", 1.3)),
              _i("Screwdriver Set", 18, 0.6, ("6-Piece", 0.8), ("10-Piece", 1.2)),
              _i("Spirit Level", 16, 0.5, ("40cm", 0.7), ("60cm", 1), ("100cm", 1.6)),
              _i("Tape Measure", 7, 0.25, ("3m", 0.8), ("5m", 1), ("8m", 1.3)),
              _i("Cordless Drill", 110, 1.6, ("12V", 0.7), ("18V", 1), ("18V Brushless", 1.4)),
              _i("Angle Grinder", 75, 2.2, ("115mm", 0.8), ("125mm", 1), ("230mm", 2)),
              _i("Utility Knife", 5, 0.15, ("18mm", 1), ("25mm", 1.2)),
              _i("Socket Set", 45, 2.5, ("1/4in", 0.6), ("1/2in", 1.2)),
              _i("Hand Saw", 15, 0.5, ("400mm", 0.8), ("550mm", 1)))),
    Category("electrical", "Electric", 400, 0.10, 330,
             ("Standard", "Premium", "IP44", "Flush-Mounted", "Surface-Mounted", "Compact"),
             (_i("Installation Cable", 11, 1.2, ("3x1.5 10m", 1), ("3x2.5 10m", 1.5),
                 ("5x1.5 10m", 1.6), ("3x1.5 50m", 4.5)),
              _i("Socket Outlet", 4.5, 0.1, ("Single", 1), ("Double", 1.8)),
              _i("Junction Box", 2.2, 0.08, ("80mm", 0.8), ("100mm", 1)),
              _i("Circuit Breaker", 6.5, 0.12, ("B10", 1), ("B16", 1), ("C16", 1.1)),
              _i("Extension Lead", 12, 0.8, ("3m", 0.8), ("5m", 1), ("10m", 1.6)),
              _i("Cable Ties", 3.2, 0.1, ("200mm Pack 100", 0.7), ("300mm Pack 100", 1)),
              _i("Light Switch", 4.0, 0.08, ("1-Gang", 1), ("2-Gang", 1.5)),
              _i("Terminal Block", 1.5, 0.05, ("2-Pole", 0.8), ("5-Pole", 1.3)))),
    Category("cleaning", "Hygiene", 600, 0.12, 70,
             ("Eco", "Professional", "Concentrated", "Citrus", "Unscented", "Antibacterial"),
             (_i("All-Purpose Cleaner", 7, 5.3, ("1L", 0.22), ("5L", 1), ("10L", 2)),
              _i("Floor Cleaner", 9, 5.3, ("5L", 1), ("10L", 2)),
              _i("Glass Cleaner", 3.5, 1.1, ("750ml", 0.75), ("1L", 1)),
              _i("Disinfectant", 14, 5.3, ("1L", 0.22), ("5L", 1)),
              _i("Hand Soap", 8, 5.2, ("500ml", 0.12), ("5L", 1)),
              _i("Bin Liners", 6, 1.5, ("60L Roll 50", 0.7), ("120L Roll 25", 1)),
              _i("Microfibre Cloths", 5, 0.3, ("Pack 10", 1), ("Pack 50", 4.5)),
              _i("Degreaser", 16, 5.3, ("5L", 1), ("10L", 2)))),
    Category("packaging", "Packaging", 80, 0.45, 335,
             ("Brown", "Clear", "Heavy-Duty", "Recycled", "Printed", "Standard"),
             (_i("Stretch Film", 9, 2.5, ("500mm x 300m", 1), ("500mm x 150m", 0.55)),
              _i("Cardboard Box", 0.9, 0.35, ("300x200x150", 0.7), ("400x300x200", 1),
                 ("600x400x400", 1.9)),
              _i("Packing Tape", 1.8, 0.2, ("48mm x 66m", 1), ("50mm x 100m", 1.4)),
              _i("Bubble Wrap", 18, 3.0, ("500mm x 50m", 0.6), ("1m x 50m", 1)),
              _i("Mailing Bags", 6, 1.0, ("C4 Pack 100", 1), ("C5 Pack 100", 0.7)),
              _i("Void Fill Paper", 28, 9, ("Roll 450m", 1), ("Roll 250m", 0.6)),
              _i("Pallet Labels", 5, 0.5, ("Roll 500", 1), ("Roll 1000", 1.8)))),
    Category("safety", "Safety", 150, 0.20, 15,
             ("Standard", "Premium", "Class 2", "EN-Certified", "Lightweight", "Industrial"),
             (_i("Work Gloves", 2.2, 0.08, ("Size 8", 1), ("Size 9", 1), ("Size 10", 1)),
              _i("Safety Glasses", 4.5, 0.05, ("Clear", 1), ("Tinted", 1.1)),
              _i("Hard Hat", 9, 0.4, ("White", 1), ("Yellow", 1)),
              _i("Hi-Vis Vest", 3.5, 0.15, ("L", 1), ("XL", 1), ("XXL", 1.05)),
              _i("Ear Defenders", 14, 0.3, ("SNR 28", 1), ("SNR 33", 1.3)),
              _i("Safety Boots S3", 55, 1.4, ("Size 42", 1), ("Size 44", 1), ("Size 46", 1.05)),
              _i("FFP2 Masks", 9, 0.2, ("Box 20", 1), ("Box 50", 2.3)))),
    Category("office", "Office Supplies", 400, 0.20, 250,
             ("Standard", "Premium", "Recycled", "Eco", "Executive", "Basic"),
             (_i("Copy Paper A4", 4.8, 2.5, ("500 Sheets", 1), ("Box 2500", 5)),
              _i("Ballpoint Pens", 0.5, 0.01, ("Blue", 1), ("Black", 1), ("Red", 1)),
              _i("Lever Arch File", 2.4, 0.45, ("50mm", 0.9), ("80mm", 1)),
              _i("Sticky Notes", 1.1, 0.05, ("76x76", 1), ("Pack 12", 9)),
              _i("Printer Toner", 65, 0.9, ("Black", 1), ("Cyan", 1.1), ("Magenta", 1.1)),
              _i("Stapler", 9, 0.35, ("20 Sheets", 0.8), ("40 Sheets", 1.2)),
              _i("Envelopes", 7, 1.2, ("DL Box 500", 1), ("C5 Box 500", 1.3)))),
    Category("plumbing", "Sanitary", 450, 0.08, 300,
             ("Standard", "Professional", "DVGW", "Chrome", "Lead-Free", "Compact"),
             (_i("Copper Pipe", 16, 1.1, ("15mm 3m", 1), ("22mm 3m", 1.6), ("28mm 3m", 2.3)),
              _i("Press Fitting", 3.2, 0.06, ("15mm", 0.7), ("22mm", 1), ("28mm", 1.5)),
              _i("Ball Valve", 8.5, 0.25, ("1/2in", 0.8), ("3/4in", 1), ("1in", 1.6)),
              _i("Silicone Sealant", 5.5, 0.4, ("Clear 310ml", 1), ("White 310ml", 1)),
              _i("PTFE Tape", 0.6, 0.02, ("12mm x 12m", 1), ("19mm x 15m", 1.4)),
              _i("Siphon Trap", 9, 0.35, ("32mm", 0.9), ("40mm", 1)),
              _i("Flexible Hose", 6, 0.2, ("300mm", 0.8), ("500mm", 1)))),
    Category("paint", "Coatings", 700, 0.45, 170,
             ("Interior", "Exterior", "Matt", "Satin", "Premium", "Trade"),
             (_i("Wall Paint White", 32, 14, ("2.5L", 0.25), ("5L", 0.5), ("10L", 1),
                 ("15L", 1.5)),
              _i("Primer", 24, 6, ("2.5L", 0.5), ("5L", 1)),
              _i("Wood Stain", 19, 2.8, ("750ml", 0.3), ("2.5L", 1)),
              _i("Paint Roller Set", 9, 0.5, ("18cm", 0.8), ("25cm", 1)),
              _i("Masking Tape", 2.2, 0.15, ("30mm x 50m", 1), ("50mm x 50m", 1.5)),
              _i("Brush Set", 7, 0.3, ("3-Piece", 1), ("5-Piece", 1.5)),
              _i("Varnish", 14, 0.9, ("750ml", 1), ("2.5L", 3)))),
    Category("lighting", "Lighting", 90, 0.30, 320,
             ("LED", "Dimmable", "Warm White", "Daylight", "Energy-Saving", "Commercial"),
             (_i("Bulb E27", 3.5, 0.06, ("6W", 0.8), ("9W", 1), ("13W", 1.3)),
              _i("Panel 60x60", 35, 3.2, ("36W", 1), ("40W", 1.1)),
              _i("Floodlight", 28, 1.2, ("30W", 0.8), ("50W", 1), ("100W", 1.8)),
              _i("Tube T8", 6, 0.2, ("60cm", 0.6), ("120cm", 1), ("150cm", 1.2)),
              _i("Emergency Light", 45, 0.9, ("1h", 0.8), ("3h", 1)),
              _i("Work Lamp", 32, 1.5, ("20W", 0.8), ("50W", 1.4)))),
    Category("grounds", "Outdoor Services", 800, 0.80, 20,
             ("Standard", "Premium", "Eco", "Professional", "Heavy-Duty", "Commercial"),
             (_i("Road Salt", 6.5, 25, ("25kg", 1), ("10kg", 0.4)),
              _i("Grit Sand", 5.5, 25, ("25kg", 1), ("10kg", 0.4)),
              _i("Snow Shovel", 24, 1.6, ("50cm", 0.9), ("70cm", 1.2)),
              _i("De-Icer Spray", 4.5, 0.6, ("500ml", 1), ("1L", 1.8)),
              _i("Ice Scraper", 3, 0.15, ("Short", 1), ("Long Handle", 1.6)),
              _i("Grit Bin", 120, 14, ("200L", 1), ("400L", 1.7)))),
    Category("building", "Building Materials", 1000, 0.25, 190,
             ("Standard", "Rapid", "Frost-Proof", "Professional", "Trade", "Fibre-Reinforced"),
             (_i("Cement", 8, 25, ("25kg", 1)),
              _i("Tile Adhesive", 14, 25, ("25kg", 1), ("5kg", 0.2)),
              _i("Gypsum Filler", 9, 5, ("5kg", 1), ("20kg", 3.5)),
              _i("Mortar", 7, 25, ("25kg", 1)),
              _i("Plasterboard", 7, 21, ("12.5mm 2000x1250", 1), ("9.5mm 2000x1250", 0.8)),
              _i("Construction Adhesive", 6, 0.4, ("310ml", 1)),
              _i("Self-Levelling Compound", 17, 25, ("25kg", 1)))),
)


BRANDS = ("Hanseatic", "Nordmann", "Elbtec", "Baltix", "Alstermann", "Ferroline",
          "Primus", "Holstein", "Kranich", "Wattwerk", "Deichgraf", "Moewe")

PLACES = ("Altona", "Ottensen", "Eppendorf", "Winterhude", "Barmbek", "Wandsbek", "Harburg",
          "Bergedorf", "Blankenese", "Nordhafen", "Elbufer", "Hafencity", "Alsterblick",
          "Uhlenhorst", "Hammerbrook", "Rotherbaum", "Sternschanze", "Veddel", "Wilhelmsburg",
          "Lokstedt", "Niendorf", "Stellingen", "Bahrenfeld", "Hohenfelde", "Rahlstedt",
          "Volksdorf", "Poppenbuettel", "Sasel", "Langenhorn", "Fuhlsbuettel", "Eidelstedt",
          "Schnelsen", "Billstedt", "Horn", "Hamm", "Finkenwerder", "Neugraben", "Moorburg",
          "Ochsenwerder", "Kirchdorf")
TRADES = ("Bakery", "Hardware", "Builders", "Facility Services", "Cafe", "Hotel", "Garage",
          "Joinery", "Electrics", "Plumbing", "Print Shop", "Cleaning Services", "Restaurant",
          "Catering", "Property Management", "Painters", "Roofing", "Landscaping", "Workshop",
          "Logistics", "School Supplies", "Office Services", "Event Services",
          "Marine Services", "Brewery", "Butchery", "Pharmacy", "Fitness Studio",
          "Veterinary Clinic", "Car Wash")
LEGAL_FORMS = ("GmbH", "KG", "GmbH & Co. KG", "e.K.", "OHG", "UG")

SUPPLIER_PREFIXES = ("Hanse", "Nordic", "Elbe", "Baltic", "Weser", "Rhein", "Alpen", "Euro",
                     "Nord", "Atlas", "Delta", "Falk", "Kraft", "Merkur", "Orion", "Polar",
                     "Saxon", "Titan", "Vega", "Zenit", "Aurora", "Boreas", "Columbus",
                     "Dynamo", "Ems", "Fjord", "Gamma", "Helios", "Iris", "Jade")
SUPPLIER_FORMS = ("GmbH", "AG", "B.V.", "Ltd", "S.p.A.", "KG")

FIRST_NAMES = ("Anna", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hannes", "Ida",
               "Jonas", "Katarzyna", "Lukas", "Mia", "Noah", "Olga", "Paul", "Quentin", "Rosa",
               "Stefan", "Tanja", "Ugur", "Vera", "Wiebke", "Xaver", "Yasmin", "Zoe", "Ahmet",
               "Birte", "Carlos", "Dana", "Emil", "Fatma", "Gerrit", "Heike", "Ivan", "Jana",
               "Kemal", "Lena", "Malte", "Nina")
LAST_NAMES = ("Mueller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
              "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann",
              "Schwarz", "Braun", "Hofmann", "Hartmann", "Lange", "Krueger", "Petersen",
              "Jansen", "Hansen", "Yilmaz", "Kowalski", "Nowak", "Rossi", "Garcia", "Novak",
              "Ivanova", "Demir", "Lorenzen", "Thomsen", "Brandt", "Voss", "Ahrens", "Kock",
              "Struve", "Carstens")

DEPOT_PLACES = ("Billbrook", "Harburg-Seehafen", "Eidelstedt", "Rahlstedt", "Allermoehe",
                "Finkenwerder")
