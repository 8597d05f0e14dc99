-- The customer of each shipment's order (from the OrderApproved that booked it): a customer reads only
-- the shipments of their own orders. Shipments booked before have none and are shown to operators only.
ALTER TABLE shipments ADD COLUMN customer_id uuid;
